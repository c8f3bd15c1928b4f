from django.db import migrations

from web.versions import track, untrack

TABLES = (
    "cases_case",
    "cases_case_areas",
    "cases_facility",
    "cases_facility_areas",
    "cases_budgetproposal",
    "cases_budgetproposal_areas",
)


class Migration(migrations.Migration):
    """Data versions for the located items and their area links, so their
    map tiles can be cached for ever under a version (web.versions)."""

    dependencies = [("cases", "0005_proposal_search")]

    operations = [migrations.RunSQL(track(*TABLES), untrack(*TABLES))]
