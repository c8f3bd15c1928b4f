from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Place search tolerant of missing diacritics (unaccent) and small typos
    (pg_trgm)."""

    dependencies = [("districts", "0003_population_structure")]

    operations = [UnaccentExtension(), TrigramExtension()]
