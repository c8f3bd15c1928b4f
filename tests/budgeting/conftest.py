import datetime as dt

import pytest
from django.utils import timezone

from budgeting import services
from budgeting.models import Phase
from budgeting.rules.eligibility import HELSINKI, VoterIdentity
from districts.models import District

TODAY = timezone.localdate()
VOTING = (TODAY - dt.timedelta(days=7), TODAY + dt.timedelta(days=7))
LAST_DAY = VOTING[1]
# open_round's results phase opens a week after voting: paper entry until
# then.
RESULTS_OPEN = dt.datetime.combine(
    LAST_DAY + dt.timedelta(days=7), dt.time(12), tzinfo=dt.UTC
)


def major(code):
    return District.objects.get(level=District.Level.MAJOR_DISTRICT, code=code)


def resident(identifier, *, district="3", birth_date=dt.date(1990, 1, 1)):
    return VoterIdentity(
        identifier=identifier,
        birth_date=birth_date,
        municipality=HELSINKI,
        home_major_district=district,
    )


def open_round(number=9001, **rules):
    """A synthetic round whose voting is open today; not OmaStadi data."""
    return services.round_create(
        number=number,
        name=f"Test round {number}",
        total_amount=8_800_000,
        city_wide_amount=800_000,
        phases={
            Phase.Kind.PROPOSALS: (
                TODAY - dt.timedelta(days=90),
                TODAY - dt.timedelta(days=60),
            ),
            Phase.Kind.VOTING: VOTING,
            Phase.Kind.RESULTS: (
                VOTING[1] + dt.timedelta(days=7),
                VOTING[1] + dt.timedelta(days=30),
            ),
        },
        **rules,
    )


def proposal_round(number=920):
    """A synthetic round (not OmaStadi data) whose proposal phase is open
    today (it started three days ago), voting a month later."""
    today = timezone.localdate()
    return services.round_create(
        number=number,
        name=f"Test round {number}",
        total_amount=1_000_000,
        phases={
            Phase.Kind.PROPOSALS: (today - dt.timedelta(days=3), today),
            Phase.Kind.VOTING: (
                today + dt.timedelta(days=30),
                today + dt.timedelta(days=44),
            ),
        },
        allocate_now=False,
    )


@pytest.fixture
def taking_proposals(db):
    return proposal_round()


def move_to_results(round_):
    """Move a round on: voting ended yesterday, the results phase (and so
    counting and the exports) opens today."""
    Phase.objects.filter(round=round_, kind=Phase.Kind.VOTING).update(
        starts_on=TODAY - dt.timedelta(days=14), ends_on=TODAY - dt.timedelta(days=1)
    )
    Phase.objects.filter(round=round_, kind=Phase.Kind.RESULTS).update(
        starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=30)
    )


@pytest.fixture
def round_(db):
    return open_round()


@pytest.fixture
def plans(round_):
    """Three plans in Keskinen (3), one in Eteläinen (1), one city-wide."""
    central, southern = major("3"), major("1")
    make = services.plan_create
    return {
        "park": make(round_=round_, title="Park", cost=900_000, area=central),
        "library": make(round_=round_, title="Library", cost=600_000, area=central),
        "benches": make(round_=round_, title="Benches", cost=50_000, area=central),
        "pier": make(round_=round_, title="Pier", cost=400_000, area=southern),
        "festival": make(round_=round_, title="Festival", cost=300_000, area=None),
    }
