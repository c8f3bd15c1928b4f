from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.services import contacts_purge


class Command(BaseCommand):
    help = (
        "Delete feedback givers' contact details older than "
        "FEEDBACK_CONTACT_RETENTION_DAYS. Run daily (cron or a systemd timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = contacts_purge()
        days = settings.FEEDBACK_CONTACT_RETENTION_DAYS
        self.stdout.write(f"{deleted} contact details older than {days} days deleted")
