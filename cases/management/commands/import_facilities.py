import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.importers.facilities import (
    HELSINKI_PLAYGROUNDS,
    FacilitySource,
    import_facilities,
)
from geo.sync import ImportRefusedError


class Command(BaseCommand):
    help = (
        "Import facilities from a GeoJSON/GeoPackage/CSV-with-lon/lat file "
        "through a field mapping: --mapping names a JSON file with the "
        "fields of cases.importers.facilities.FacilitySource (see README); "
        "without it, the City's service-map playground mapping is used. "
        "Units of the register that the file no longer has are deleted; a "
        "file that would delete more than a tenth of them is refused unless "
        "--force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--mapping", type=Path)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = HELSINKI_PLAYGROUNDS
        if options["mapping"]:
            try:
                mapping = FacilitySource(
                    **json.loads(options["mapping"].read_text(encoding="utf-8"))
                )
            except (OSError, ValueError, TypeError) as error:
                raise CommandError(f"{options['mapping']}: {error}") from error
        try:
            report = import_facilities(options["path"], mapping, force=options["force"])
        except ImportRefusedError as error:
            raise CommandError(str(error)) from error
        report.write(self.stdout, self.stderr)
