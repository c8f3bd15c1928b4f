from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Place search tolerant of missing diacritics (unaccent) and small typos
    (pg_trgm)."""

    dependencies = [("districts", "0002_roles_and_audit")]

    operations = [UnaccentExtension(), TrigramExtension()]
