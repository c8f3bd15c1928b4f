import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from budgeting import services
from budgeting.models import AreaBudget, Ballot, Tally, Voter
from districts.models import District, Population
from tests.budgeting.conftest import LAST_DAY, RESULTS_OPEN, open_round, resident

pytestmark = pytest.mark.django_db

AFTER_VOTING = dt.datetime.combine(
    LAST_DAY + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC
)


def refused(code, **kwargs):
    with pytest.raises(ValidationError) as caught:
        services.ballot_submit(**kwargs)
    assert caught.value.code == code, caught.value.messages
    return caught.value.messages[0]


def test_allocation_over_the_real_2023_population_is_exact(round_):
    budgets = {b.district.code: b for b in AreaBudget.objects.filter(round=round_)}
    population = {
        p.district.code: p.population
        for p in Population.objects.filter(
            year=2023, district__level=District.Level.MAJOR_DISTRICT
        )
    }
    # The City's 2023 figures per major district (fixtures/README.md).
    assert population == {
        "1": 123_568,
        "2": 113_982,
        "3": 103_995,
        "4": 44_046,
        "5": 101_294,
        "6": 58_386,
        "7": 114_361,
        "8": 1_742,
    }
    assert sum(population.values()) == 661_374
    assert sum(b.amount for b in budgets.values()) == 8_000_000
    for code, budget in budgets.items():
        exact = Fraction(8_000_000 * population[code], 661_374)
        assert abs(budget.amount - exact) < 1
        assert budget.population == population[code]
    # Floors sum to 7 999 996; the 4 euros left go to the largest remainders:
    # Kaakkoinen (.83), Pohjoinen (.75), Läntinen (.74), Keskinen (.68).
    assert {code: b.amount for code, b in budgets.items()} == {
        "1": 1_494_682,
        "2": 1_378_730,
        "3": 1_257_927,
        "4": 532_782,
        "5": 1_225_255,
        "6": 706_239,
        "7": 1_383_314,
        "8": 21_071,
    }


def test_a_ballot_gets_a_receipt_and_its_plans(round_, plans):
    ballot = services.ballot_submit(
        round_=round_,
        identity=resident("010190-123A"),
        plan_ids=[plans["park"].pk, plans["festival"].pk],
    )
    assert len(ballot.receipt_code) == 12
    assert set(ballot.choices.values_list("plan_id", flat=True)) == {
        plans["park"].pk,
        plans["festival"].pk,
    }
    assert ballot.home_district.code == "3"
    voter = Voter.objects.get()
    assert "010190" not in voter.digest and len(voter.digest) == 64
    assert voter.digest == services.voter_digest(" 010190-123a ")


def test_ballot_errors_say_what_is_wrong(round_, plans):
    park, library, pier = plans["park"].pk, plans["library"].pk, plans["pier"].pk
    base = {"round_": round_, "identity": resident("a")}
    assert "Over budget" in refused("over_budget", **base, plan_ids=[park, library])
    assert "own major district" in refused("wrong_area", **base, plan_ids=[pier])
    assert "Not on this round" in refused("unknown_plan", **base, plan_ids=[10**9])
    assert "no plans" in refused("empty", **base, plan_ids=[])
    young = resident("b", birth_date=LAST_DAY.replace(year=LAST_DAY.year - 13))
    older_tomorrow = young.birth_date + dt.timedelta(days=1)
    services.ballot_submit(round_=round_, identity=young, plan_ids=[park])
    message = refused(
        "too_young",
        round_=round_,
        identity=resident("c", birth_date=older_tomorrow),
        plan_ids=[park],
    )
    assert "at least 13" in message
    espoo = resident("d", district="")
    espoo = type(espoo)(**{**espoo.__dict__, "municipality": "049"})
    assert "Only residents" in refused(
        "not_resident", round_=round_, identity=espoo, plan_ids=[park]
    )
    assert "closed" in refused(
        "voting_closed", **base, plan_ids=[park], now=AFTER_VOTING
    )
    assert Ballot.objects.count() == 1


def test_first_ballot_is_final_online_and_on_paper(round_, plans, admin_user):
    """The changed-mind rule: the first accepted ballot counts; a second one,
    on any channel, is refused as a duplicate and changes nothing."""
    park, benches = plans["park"].pk, plans["benches"].pk
    first = services.ballot_submit(
        round_=round_, identity=resident("x"), plan_ids=[park]
    )
    message = refused(
        "duplicate", round_=round_, identity=resident("x"), plan_ids=[benches]
    )
    assert "first ballot is final" in message
    message = refused(
        "duplicate",
        round_=round_,
        identity=resident("x"),
        plan_ids=[benches],
        channel=Ballot.Channel.PAPER,
        entered_by=admin_user,
    )
    assert list(first.choices.values_list("plan_id", flat=True)) == [park]

    services.ballot_submit(
        round_=round_,
        identity=resident("y"),
        plan_ids=[benches],
        channel=Ballot.Channel.PAPER,
        entered_by=admin_user,
    )
    message = refused(
        "duplicate", round_=round_, identity=resident("y"), plan_ids=[park]
    )
    assert "paper ballot" in message
    assert Ballot.objects.filter(round=round_).count() == 2


def test_paper_ballots_may_be_entered_after_voting_until_results(
    round_, plans, admin_user
):
    services.ballot_submit(
        round_=round_,
        identity=resident("p"),
        plan_ids=[plans["park"].pk],
        channel=Ballot.Channel.PAPER,
        entered_by=admin_user,
        now=AFTER_VOTING,
    )
    too_late = AFTER_VOTING + dt.timedelta(days=30)
    refused(
        "voting_closed",
        round_=round_,
        identity=resident("q"),
        plan_ids=[plans["park"].pk],
        channel=Ballot.Channel.PAPER,
        entered_by=admin_user,
        now=too_late,
    )


def test_tally_is_reproducible_and_publishes_greedy_winners(round_, plans):
    p = {name: plan.pk for name, plan in plans.items()}
    for number, choice in enumerate(
        [[p["park"]], [p["park"]], [p["library"], p["benches"]], [p["benches"]]]
    ):
        services.ballot_submit(
            round_=round_, identity=resident(f"v{number}"), plan_ids=choice
        )
    with pytest.raises(ValidationError, match="paper entry have closed"):
        services.tally_compute(round_)

    services.tally_compute(round_, now=RESULTS_OPEN, publish=True)
    first = {
        (t.area_id, t.method): [
            (line.plan_id, line.votes, line.selected) for line in t.lines.all()
        ]
        for t in Tally.objects.filter(round=round_)
    }
    central = plans["park"].area_id
    # Keskinen: benches 2 votes, park 2 votes (dearer, after), library 1.
    # Budget 1 257 927: benches 50 000 + park 900 000 fit; library does not.
    assert first[(central, Tally.Method.GREEDY)] == [
        (p["benches"], 2, True),
        (p["park"], 2, True),
        (p["library"], 1, False),
    ]
    services.tally_compute(round_, now=RESULTS_OPEN)
    again = {
        (t.area_id, t.method): [
            (line.plan_id, line.votes, line.selected) for line in t.lines.all()
        ]
        for t in Tally.objects.filter(round=round_)
    }
    assert again == first
    assert {pl.title for pl in round_.plans.filter(selected=True)} == {
        "Park",
        "Benches",
    }


def test_budgets_are_fixed_once_ballots_exist(round_, plans):
    services.ballot_submit(
        round_=round_, identity=resident("z"), plan_ids=[plans["park"].pk]
    )
    with pytest.raises(ValidationError, match="budgets are fixed"):
        services.round_allocate(round_)


def test_approval_round_limits_plans_per_pool(db):
    round_ = open_round(number=9002, voting_rule="approval", max_choices=1)
    central = District.objects.get(level="major_district", code="3")
    a = services.plan_create(round_=round_, title="A", cost=10, area=central)
    b = services.plan_create(round_=round_, title="B", cost=10, area=central)
    message = refused(
        "too_many_plans", round_=round_, identity=resident("m"), plan_ids=[a.pk, b.pk]
    )
    assert "at most 1" in message
