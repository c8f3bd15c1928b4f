from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from districts.importers import (
    HELSINKI_2022,
    HELSINKI_NEWER,
    AreaSource,
    import_areas,
)
from districts.models import District
from geo.sync import ImportRefusedError

SETS = {"helsinki-2022": HELSINKI_2022, "helsinki-newer": HELSINKI_NEWER}


class Command(BaseCommand):
    help = (
        "Import official areas from any OGR source (GeoJSON, GeoPackage, "
        "Shapefile). Either name a declared set (--set helsinki-2022, read from "
        "--folder) or give a file with its level and field mapping."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument("--set", choices=sorted(SETS))
        parser.add_argument("--folder", type=Path, default=Path("fixtures/districts"))
        parser.add_argument("--level", choices=[lv.value for lv in District.Level])
        parser.add_argument("--code-field", default="tunnus")
        parser.add_argument("--name-fi-field", default="nimi_fi")
        parser.add_argument("--name-sv-field", default="nimi_se")
        parser.add_argument("--parent-code-field")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs: list[tuple[Path, AreaSource]]
        if options["set"]:
            folder: Path = options["folder"]
            jobs = [(folder / name, m) for name, m in SETS[options["set"]].items()]
        elif options["path"] and options["level"]:
            level = options["level"]
            parent_level = {
                "district": "major_district",
                "sub_district": "district",
            }.get(level)
            jobs = [
                (
                    options["path"],
                    AreaSource(
                        level,
                        code=options["code_field"],
                        name_fi=options["name_fi_field"],
                        name_sv=options["name_sv_field"] or None,
                        parent_level=parent_level
                        if options["parent_code_field"]
                        else None,
                        parent_code=options["parent_code_field"],
                        titlecase=True,
                    ),
                )
            ]
        else:
            raise CommandError("Give --set NAME, or a PATH with --level.")
        for path, _mapping in jobs:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
        # A set is all or nothing, like each file: a set half-imported (new
        # major districts, old sub-districts) would be a map nobody drew.
        with transaction.atomic():
            for path, mapping in jobs:
                try:
                    report = import_areas(path, mapping, force=options["force"])
                except ImportRefusedError as error:
                    raise CommandError(str(error)) from error
                report.write(self.stdout, self.stderr)
