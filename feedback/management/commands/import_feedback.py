from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.importers import import_feedback
from geo.sync import ImportRefusedError


class Command(BaseCommand):
    help = "Import feedback records (GeoReport v2 GeoJSON, optionally gzipped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="allow deleting many records"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_feedback(options["path"], force=options["force"])
        except ImportRefusedError as error:
            raise CommandError(str(error)) from error
        report.write(self.stdout, self.stderr)
