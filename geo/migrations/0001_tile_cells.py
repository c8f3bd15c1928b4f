from django.db import migrations

from geo.cells import SETUP, TEARDOWN


class Migration(migrations.Migration):
    """The summary count tiles below zoom 13 read instead of every row
    (geo.cells)."""

    operations = [migrations.RunSQL(SETUP, TEARDOWN)]
