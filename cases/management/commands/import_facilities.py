import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.importers.facilities import (
    HELSINKI_PLAYGROUNDS,
    FacilitySource,
    import_facilities,
)


class Command(BaseCommand):
    help = (
        "Import facilities from a GeoJSON/GeoPackage/CSV-with-lon/lat file "
        "through a field mapping: --mapping names a JSON file with the "
        "fields of cases.importers.facilities.FacilitySource (see README); "
        "without it, the City's service-map playground mapping is used."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--mapping", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = HELSINKI_PLAYGROUNDS
        if options["mapping"]:
            try:
                mapping = FacilitySource(
                    **json.loads(options["mapping"].read_text(encoding="utf-8"))
                )
            except (OSError, ValueError, TypeError) as error:
                raise CommandError(f"{options['mapping']}: {error}") from error
        import_facilities(options["path"], mapping).write(self.stdout, self.stderr)
