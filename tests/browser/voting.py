"""A made-up round whose voting is open, and a resident signing in to it
through the local OpenID Connect provider, for the browser tests.

Committed (the live server cannot see a test's transaction) and removed,
with the ballots cast in it, when the module that made it ends.
"""

import datetime as dt

from django.utils import timezone

from budgeting import services
from budgeting.models import Ballot, BallotChoice, Phase, Plan, Round, Voter
from cases.models import BudgetProposal
from districts.models import District
from tests.threads import in_own_thread

TODAY = timezone.localdate()


def days(first: int, last: int) -> tuple[dt.date, dt.date]:
    return TODAY + dt.timedelta(days=first), TODAY + dt.timedelta(days=last)


def create_voting_round(number: int, *, proposing: bool = False) -> Round:
    """Voting open today (or, ``proposing``, proposals open today and voting
    from tomorrow); plans in Keskinen (3), Itäinen (5) and city-wide.
    Labelled demonstration data, not OmaStadi's."""
    round_ = services.round_create(
        number=number,
        name=f"Demo round {number} (test data)",
        total_amount=8_800_000,
        city_wide_amount=800_000,
        phases={
            Phase.Kind.PROPOSALS: days(-7, 0) if proposing else days(-90, -60),
            Phase.Kind.VOTING: days(1, 14) if proposing else days(-7, 7),
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


def move_to_voting(round_: Round) -> None:
    """Proposals closed yesterday, voting opens today; committed, so the live
    server sees it."""

    def move():
        Phase.objects.filter(round=round_, kind=Phase.Kind.PROPOSALS).update(
            starts_on=days(-14, -1)[0], ends_on=days(-14, -1)[1]
        )
        Phase.objects.filter(round=round_, kind=Phase.Kind.VOTING).update(
            starts_on=TODAY, ends_on=days(0, 14)[1]
        )

    in_own_thread(move)


def delete_round(round_: Round) -> None:
    ballots = Ballot.objects.filter(round=round_)
    voters = list(ballots.values_list("voter_id", flat=True))
    BallotChoice.objects.filter(ballot__in=ballots).delete()
    ballots.delete()
    Voter.objects.filter(pk__in=voters, ballots__isnull=True).delete()
    Plan.objects.filter(round=round_).delete()
    BudgetProposal.objects.filter(round=round_).delete()
    round_.delete()


def plan_id(round_: Round, title: str) -> int:
    return Plan.objects.get(round=round_, title=title).pk
