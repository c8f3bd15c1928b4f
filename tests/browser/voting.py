"""A made-up round whose voting is open, and a resident signing in to it
through the local OpenID Connect provider, for the browser tests.

Committed (the live server cannot see a test's transaction) and removed,
with the ballots cast in it, when the module that made it ends.
"""

import datetime as dt

from django.utils import timezone

from budgeting import services
from budgeting.models import Ballot, BallotChoice, Phase, Plan, Round, Voter
from districts.models import District

TODAY = timezone.localdate()


def create_voting_round(number: int) -> Round:
    """Voting open today; plans in Keskinen (3), Itäinen (5) and city-wide.
    Labelled demonstration data, not OmaStadi's."""
    round_ = services.round_create(
        number=number,
        name=f"Demo round {number} (test data)",
        total_amount=8_800_000,
        city_wide_amount=800_000,
        phases={
            Phase.Kind.PROPOSALS: (
                TODAY - dt.timedelta(days=90),
                TODAY - dt.timedelta(days=60),
            ),
            Phase.Kind.VOTING: (
                TODAY - dt.timedelta(days=7),
                TODAY + dt.timedelta(days=7),
            ),
        },
    )
    central = District.objects.get(level=District.Level.MAJOR_DISTRICT, code="3")
    eastern = District.objects.get(level=District.Level.MAJOR_DISTRICT, code="5")
    for title, cost, area in (
        ("Demo: Kallio park", 900_000, central),
        ("Demo: Kallio library", 600_000, central),
        ("Demo: Kallio benches", 50_000, central),
        ("Demo: Vuosaari beach", 200_000, eastern),
        ("Demo: city festival", 300_000, None),
    ):
        services.plan_create(round_=round_, title=title, cost=cost, area=area)
    return round_


def delete_round(round_: Round) -> None:
    ballots = Ballot.objects.filter(round=round_)
    voters = list(ballots.values_list("voter_id", flat=True))
    BallotChoice.objects.filter(ballot__in=ballots).delete()
    ballots.delete()
    Voter.objects.filter(pk__in=voters, ballots__isnull=True).delete()
    Plan.objects.filter(round=round_).delete()
    round_.delete()


def plan_id(round_: Round, title: str) -> int:
    return Plan.objects.get(round=round_, title=title).pk
