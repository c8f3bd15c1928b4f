from pathlib import Path

import pytest

from districts.importers import HELSINKI_2022, import_area_set, import_population

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real Helsinki areas, loaded once through the production importer;
    each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        import_area_set(FIXTURES / "districts", HELSINKI_2022, progress=False)
        import_population(
            FIXTURES / "districts" / "helsinki_population_by_peruspiiri_2018-2023.csv",
            progress=False,
        )
