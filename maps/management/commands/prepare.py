from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, then load the Helsinki fixtures: what `make run` needs, in "
        "one process so a second run starts serving quickly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # The rate-limit counters' table (settings.CACHES); not a migration.
        call_command("createcachetable", verbosity=0)
        self.stdout.write("==> database migrated")
        call_command("load_helsinki", stdout=self.stdout, stderr=self.stderr)
