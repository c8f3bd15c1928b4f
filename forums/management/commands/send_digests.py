import smtplib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from forums.digests import digest_recipients, digest_send


class Command(BaseCommand):
    help = (
        "E-mail each resident what is new in the areas and forums they "
        "follow since their last visit: at most one message a day, so a "
        "second run the same day sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        recipients = digest_recipients(now=now)
        sent = failed = 0
        for user in tqdm(
            recipients.iterator(chunk_size=500),
            total=recipients.count(),
            desc="digests",
            unit="resident",
            disable=options["no_progress"],
        ):
            try:
                if digest_send(user=user, now=now) is not None:
                    sent += 1
            except (smtplib.SMTPException, OSError) as error:
                # Nothing was recorded for this resident; the next run retries.
                failed += 1
                self.stderr.write(f"resident {user.pk}: not sent: {error}")
        self.stdout.write(f"{sent} digests sent, {failed} failed.")
