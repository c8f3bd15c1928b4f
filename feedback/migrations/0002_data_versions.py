from django.db import migrations

from web.versions import track, untrack

TABLES = (
    "feedback_feedback",
    "feedback_feedback_areas",
    "feedback_service",
    "feedback_unit",
)


class Migration(migrations.Migration):
    """Data versions for feedback, its area links and the service and unit
    names its map layer shows (web.versions)."""

    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunSQL(track(*TABLES), untrack(*TABLES))]
