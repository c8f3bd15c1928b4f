from django.db import migrations

from web.versions import track, untrack

TABLES = ("districts_district",)


class Migration(migrations.Migration):
    """A data version for the official areas, which map layers draw and
    filter by (web.versions)."""

    dependencies = [("districts", "0004_search_extensions")]

    operations = [migrations.RunSQL(track(*TABLES), untrack(*TABLES))]
