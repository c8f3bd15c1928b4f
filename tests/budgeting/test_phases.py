# ruff: noqa: E501 (the table reads best one day per line)
"""The phase rules of a round, day by day: the table is the documentation.

Each cell is what ``Round`` answers on that day: "ok", or the code of the
problem it refuses with. A synthetic round, not OmaStadi data.
"""

import datetime as dt

import pytest

from budgeting import services
from budgeting.models import Ballot, Phase

pytestmark = pytest.mark.django_db

ONLINE, PAPER = Ballot.Channel.ONLINE, Ballot.Channel.PAPER


def day(text):
    return dt.date.fromisoformat(text)


PHASES = {
    Phase.Kind.PROPOSALS: (day("2027-01-10"), day("2027-02-10")),
    Phase.Kind.VOTING: (day("2027-05-01"), day("2027-05-14")),
    Phase.Kind.RESULTS: (day("2027-05-21"), day("2027-06-30")),
}

# day          proposal            online           paper            count & publish  Pabulib export
TABLE = [
    ("2027-01-09", "proposals_closed", "voting_closed", "voting_closed", "voting_open", "voting_open"),
    ("2027-01-10", "ok", "voting_closed", "voting_closed", "voting_open", "voting_open"),
    ("2027-02-10", "ok", "voting_closed", "voting_closed", "voting_open", "voting_open"),
    ("2027-02-11", "proposals_closed", "voting_closed", "voting_closed", "voting_open", "voting_open"),
    ("2027-05-01", "proposals_closed", "ok", "ok", "voting_open", "voting_open"),
    ("2027-05-14", "proposals_closed", "ok", "ok", "voting_open", "voting_open"),
    # Online voting is over; paper ballots cast during voting are entered.
    ("2027-05-15", "proposals_closed", "voting_closed", "ok", "voting_open", "voting_open"),
    ("2027-05-20", "proposals_closed", "voting_closed", "ok", "voting_open", "voting_open"),
    # Both channels closed: count, publish, export.
    ("2027-05-21", "proposals_closed", "voting_closed", "voting_closed", "ok", "ok"),
    ("2028-01-01", "proposals_closed", "voting_closed", "voting_closed", "ok", "ok"),
]  # fmt: skip


def answers(round_, on):
    def cell(problem):
        return problem.code if problem else "ok"

    return (
        cell(round_.proposal_problem(on)),
        cell(round_.ballot_problem(ONLINE, on)),
        cell(round_.ballot_problem(PAPER, on)),
        cell(round_.count_problem(on)),
        cell(round_.export_problem(on)),
    )


def make_round(phases, number=9300):
    return services.round_create(
        number=number,
        name=f"Test round {number}",
        total_amount=1_000_000,
        phases=phases,
        allocate_now=False,
    )


@pytest.mark.parametrize(("on", *"abcde"), TABLE)
def test_what_a_round_accepts_day_by_day(on, a, b, c, d, e):
    round_ = make_round(PHASES)
    assert answers(round_, day(on)) == (a, b, c, d, e)
    assert round_.accepts(ONLINE, day(on)) is (b == "ok")


def test_publishing_closes_paper_entry_even_if_the_results_phase_moves():
    round_ = make_round(PHASES)
    round_.results_published_at = dt.datetime(2027, 5, 21, 12, tzinfo=dt.UTC)
    # An admin moves the results phase a month on after publication.
    round_.phases.filter(kind=Phase.Kind.RESULTS).update(
        starts_on=day("2027-06-20"), ends_on=day("2027-07-31")
    )
    assert answers(round_, day("2027-05-25")) == (
        "proposals_closed",
        "voting_closed",
        "voting_closed",
        "ok",
        "ok",
    )


def test_without_a_results_phase_the_results_open_the_day_after_voting():
    round_ = make_round({Phase.Kind.VOTING: PHASES[Phase.Kind.VOTING]})
    assert answers(round_, day("2027-05-14"))[1:] == (
        "ok",
        "ok",
        "voting_open",
        "voting_open",
    )
    assert answers(round_, day("2027-05-15"))[1:] == (
        "voting_closed",
        "voting_closed",
        "ok",
        "ok",
    )


def test_a_round_without_phases_takes_nothing_and_hides_nothing():
    """An imported OmaStadi round: no ballots were cast here, so there is
    nothing to count, and its export (the recorded result) is public."""
    round_ = make_round({})
    assert answers(round_, day("2027-05-01")) == (
        "proposals_closed",
        "voting_closed",
        "voting_closed",
        "voting_open",
        "ok",
    )
