from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budgeting.importers import import_omastadi_plans, import_omastadi_rounds
from cases.importers.helsinki import import_helsinki_items
from districts.importers import HELSINKI_2022, import_area_set, import_population
from feedback.importers import HELSINKI_FEEDBACK, import_feedback
from geo.sync import ImportRefusedError

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PLANS = FIXTURES / "budgeting" / "helsinki_omastadi_plans_rounds1-3.csv"


class Command(BaseCommand):
    help = (
        "Load the real Helsinki fixtures (areas, population, and what lies in "
        "them). Files already loaded (same digest) are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again", action="store_true", help="re-import files already loaded"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="apply a sync that deletes more than 10%% of what a file held",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.load(skip=not options["again"], force=options["force"])
        except ImportRefusedError as error:
            # A guarded sync refused a mass delete before writing anything:
            # say which file and why, not a traceback.
            raise CommandError(str(error)) from error

    def load(self, *, skip: bool, force: bool) -> None:
        reports = import_area_set(
            FIXTURES / "districts", HELSINKI_2022, skip_known=skip, force=force
        )
        reports.append(
            import_population(
                FIXTURES
                / "districts"
                / "helsinki_population_by_peruspiiri_2018-2023.csv",
                skip_known=skip,
            )
        )
        # Rounds before the proposals that belong to them, plans after
        # the proposals they merged.
        reports.append(import_omastadi_rounds(PLANS))
        reports += import_helsinki_items(FIXTURES, skip_known=skip, force=force)
        reports.append(import_omastadi_plans(PLANS, skip_known=skip, force=force))
        reports.append(
            import_feedback(FIXTURES / HELSINKI_FEEDBACK, skip_known=skip, force=force)
        )
        for report in reports:
            report.write(self.stdout, self.stderr)
