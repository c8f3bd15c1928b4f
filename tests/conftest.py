import psycopg
import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.fixtures_data import FIXTURES, load_fixture_data

__all__ = ["FIXTURES"]

# Property tests check rules, not speed: on a loaded 2-core CI machine input
# generation and single examples can be slow without anything being wrong.
hypothesis_settings.register_profile(
    "piiri", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("piiri")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real Helsinki areas, loaded once through the production importer;
    each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        load_fixture_data()


@pytest.fixture
def empty_database(request):
    """A database of the test module's own, created empty and dropped
    after: `make run` and `make serve` migrate and load it as on a new
    machine, and leave the session's test data as it was."""
    settings = connection.settings_dict
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    name = "test_piiri_" + request.module.__name__.rsplit(".", 1)[-1]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgis://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True, scope="session")
def no_basemap():
    """Tests never reach the internet: no basemap tiles from outside hosts.
    Set on the settings object itself, which the live server's thread
    reads too."""
    from django.conf import settings

    settings.BASEMAP_URL = ""


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is not under test; the default hasher takes ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def resident(db):
    from tests.factories import UserFactory

    return UserFactory(username="resident")


@pytest.fixture
def planner(db):
    from tests.factories import planner_user

    return planner_user(username="planner")


@pytest.fixture
def city_admin(db):
    from tests.factories import admin_user

    return admin_user(username="cityadmin")


@pytest.fixture
def district(db):
    """The official area at ``level`` with ``code``: district("sub_district", "020")."""
    from districts.models import District

    return lambda level, code: District.objects.get(level=level, code=code)


@pytest.fixture
def coordinator(db, city_admin, district):
    """The coordinator of the major district Eteläinen (1)."""
    from districts.services import coordinator_assign
    from tests.factories import UserFactory

    user = UserFactory(username="coordinator")
    coordinator_assign(
        actor=city_admin, user=user, area=district("major_district", "1")
    )
    return user
