"""The real fixture data every test session starts from, loaded through
the production importers."""

from pathlib import Path

from budgeting.importers import import_omastadi_rounds
from cases.importers.helsinki import import_helsinki_items
from districts.importers import HELSINKI_2022, import_area_set, import_population
from feedback.importers import HELSINKI_FEEDBACK, import_feedback

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture_data() -> None:
    """Areas and population, the OmaStadi rounds (not their plans), then
    the facilities, proposals, cases and feedback that lie in them."""
    import_area_set(FIXTURES / "districts", HELSINKI_2022, progress=False)
    import_population(
        FIXTURES / "districts" / "helsinki_population_by_peruspiiri_2018-2023.csv",
        progress=False,
    )
    import_omastadi_rounds(
        FIXTURES / "budgeting" / "helsinki_omastadi_plans_rounds1-3.csv"
    )
    import_helsinki_items(FIXTURES, progress=False)
    import_feedback(FIXTURES / HELSINKI_FEEDBACK, progress=False)
