"""The budgeting rules as pure functions, by properties and edge cases."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election.pabulib import parse_pabulib_from_string

from budgeting.rules import ballots, eligibility, tally
from budgeting.rules.allocation import allocate
from budgeting.rules.pabulib import PbElection, PbProject, pabulib_text

populations = st.dictionaries(
    st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1, max_size=12
).filter(lambda p: sum(p.values()) > 0)


@given(total=st.integers(0, 10**9), populations=populations)
def test_allocation_sums_exactly_and_stays_within_a_euro(total, populations):
    shares = allocate(total, populations)
    assert sum(s.amount for s in shares) == total
    assert all(abs(s.deviation) < 1 for s in shares)
    everyone = sum(populations.values())
    for share in shares:
        assert share.exact == Fraction(total * share.population, everyone)


def test_allocation_gives_left_over_euros_to_the_largest_remainders():
    # Exact quotas 3.33.., 3.33.., 3.33..: one euro is left over and goes to
    # the tie-break (larger population, then key), never lost.
    shares = {s.area: s.amount for s in allocate(10, {"a": 1, "b": 1, "c": 1})}
    assert shares == {"a": 4, "b": 3, "c": 3}
    shares = {s.area: s.amount for s in allocate(10, {"a": 1, "b": 2})}
    assert shares == {"a": 3, "b": 7}


def test_allocation_refuses_an_empty_population():
    with pytest.raises(ValueError, match="no population"):
        allocate(100, {"a": 0})


LAST_DAY = dt.date(2026, 5, 31)


def identity(birth_date, municipality=eligibility.HELSINKI, district="3"):
    return eligibility.VoterIdentity(
        identifier="x",
        birth_date=birth_date,
        municipality=municipality,
        home_major_district=district,
    )


def test_a_voter_turning_13_on_the_last_voting_day_may_vote():
    voter = identity(dt.date(2013, 5, 31))
    assert (
        eligibility.ineligibility(voter, last_voting_day=LAST_DAY, min_age=13) is None
    )


def test_a_voter_turning_13_the_day_after_voting_closes_may_not():
    voter = identity(dt.date(2013, 6, 1))
    problem = eligibility.ineligibility(voter, last_voting_day=LAST_DAY, min_age=13)
    assert problem is not None and problem.code == "too_young"
    assert "Too young" in problem.message and "2026-05-31" in problem.message


def test_a_resident_of_another_municipality_may_not_vote():
    espoo = identity(dt.date(1980, 1, 1), municipality="049", district="")
    problem = eligibility.ineligibility(espoo, last_voting_day=LAST_DAY, min_age=13)
    assert problem is not None and problem.code == "not_resident"
    assert "Only residents of Helsinki" in problem.message


def test_leap_day_birthdays_come_of_age_on_the_first_of_march():
    assert eligibility.age_on(dt.date(2012, 2, 29), dt.date(2025, 2, 28)) == 12
    assert eligibility.age_on(dt.date(2012, 2, 29), dt.date(2025, 3, 1)) == 13
    assert eligibility.age_on(dt.date(2012, 2, 29), dt.date(2024, 2, 29)) == 12


KNAPSACK = ballots.BallotRule(
    voting_rule=ballots.KNAPSACK,
    area_rule=ballots.OWN_DISTRICT,
    budgets={"1": 100, "2": 100, ballots.CITY_WIDE: 50},
)
A1 = ballots.Option(plan=1, cost=60, area="1")
B1 = ballots.Option(plan=2, cost=50, area="1")
C2 = ballots.Option(plan=3, cost=10, area="2")
W = ballots.Option(plan=4, cost=40, area=ballots.CITY_WIDE)


def problem_code(rule, chosen, home="1"):
    problem = ballots.ballot_problem(rule, home_area=home, chosen=chosen)
    return problem and problem.code


def test_knapsack_ballots_must_fit_each_pool_budget():
    assert problem_code(KNAPSACK, [A1, W]) is None
    assert problem_code(KNAPSACK, [A1, B1]) == "over_budget"
    message = ballots.ballot_problem(KNAPSACK, home_area="1", chosen=[A1, B1]).message
    assert "110 EUR" in message and "100 EUR" in message


def test_knapsack_minimum_share():
    rule = ballots.BallotRule(
        voting_rule=ballots.KNAPSACK,
        area_rule=ballots.OWN_DISTRICT,
        budgets={"1": 100},
        min_share=Decimal("0.5"),
    )
    assert problem_code(rule, [A1]) is None
    assert problem_code(rule, [ballots.Option(9, 49, "1")]) == "under_minimum"


def test_area_rules():
    assert problem_code(KNAPSACK, [C2]) == "wrong_area"
    assert problem_code(KNAPSACK, [C2], home="2") is None
    plus_one = ballots.BallotRule(
        voting_rule=ballots.KNAPSACK,
        area_rule=ballots.CITY_WIDE_PLUS_ONE,
        budgets=KNAPSACK.budgets,
    )
    assert problem_code(plus_one, [C2, W]) is None
    assert problem_code(plus_one, [A1, C2]) == "wrong_area"


def test_approval_allows_at_most_n_plans_per_pool():
    rule = ballots.BallotRule(
        voting_rule=ballots.APPROVAL,
        area_rule=ballots.OWN_DISTRICT,
        budgets={},
        max_choices=1,
    )
    assert problem_code(rule, [A1, W]) is None
    assert problem_code(rule, [A1, B1]) == "too_many_plans"


def test_empty_and_repeated_choices_are_refused():
    assert problem_code(KNAPSACK, []) == "empty"
    assert problem_code(KNAPSACK, [A1, A1]) == "duplicate_plan"


def test_greedy_skips_a_plan_that_does_not_fit_and_goes_on():
    lines = tally.greedy(
        100,
        [
            tally.Candidate(plan=1, cost=70, votes=10),
            tally.Candidate(plan=2, cost=40, votes=9),
            tally.Candidate(plan=3, cost=30, votes=8),
            tally.Candidate(plan=4, cost=1, votes=0),
        ],
    )
    rows = [(line.plan, line.selected, line.note, line.remaining) for line in lines]
    assert rows == [
        (1, True, tally.SELECTED, 30),
        (2, False, tally.DOES_NOT_FIT, 30),
        (3, True, tally.SELECTED, 0),
        (4, False, tally.NO_VOTES, 0),
    ]


def test_greedy_breaks_ties_by_cost_then_plan_id():
    lines = tally.greedy(
        50,
        [
            tally.Candidate(plan=3, cost=40, votes=5),
            tally.Candidate(plan=2, cost=30, votes=5),
            tally.Candidate(plan=1, cost=30, votes=5),
        ],
    )
    assert [line.plan for line in lines] == [1, 2, 3]
    assert [line.selected for line in lines] == [True, False, False]


@st.composite
def elections(draw):
    n_plans = draw(st.integers(1, 12))
    costs = draw(st.lists(st.integers(1, 50), min_size=n_plans, max_size=n_plans))
    candidates_ids = list(range(1, n_plans + 1))
    votes = draw(
        st.lists(
            st.lists(st.sampled_from(candidates_ids), max_size=n_plans, unique=True),
            max_size=30,
        )
    )
    budget = draw(st.integers(0, sum(costs)))
    return budget, dict(zip(candidates_ids, costs, strict=True)), votes


@settings(max_examples=150, deadline=None)
@given(election=elections())
def test_our_greedy_agrees_with_pabutools_greedy(election):
    """pabutools' greedy_utilitarian_welfare with Cost_Sat and the same
    tie-break, on the plans that got votes (ours never funds a plan with no
    votes; pabutools would, with money left)."""
    budget, costs, votes = election
    counts = tally.vote_counts(votes)
    candidates = [tally.Candidate(p, cost, counts[p]) for p, cost in costs.items()]
    ours = {line.plan for line in tally.greedy(budget, candidates) if line.selected}
    voted = [c for c in candidates if c.votes > 0]
    assert ours == tally.pabutools_greedy(budget, voted, votes)
    assert sum(costs[p] for p in ours) <= budget
    mes = tally.equal_shares(budget, candidates, votes)
    assert sum(costs[p] for p in mes) <= budget
    assert all(counts[p] > 0 for p in mes)


def test_pabutools_cardinality_satisfaction_would_count_votes_per_euro():
    # Why Cost_Sat: plan 1 has more votes, plan 2 more votes per euro.
    candidates = [tally.Candidate(1, 100, 3), tally.Candidate(2, 10, 2)]
    ballots_ = [[1], [1], [1, 2], [2]]
    assert tally.pabutools_greedy(100, candidates, ballots_) == {1}
    instance, profile = tally.pabutools_election(100, candidates, ballots_)
    from pabutools.election import Cardinality_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    by_density = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cardinality_Sat
    )
    assert {int(p.name) for p in by_density} == {2}


def test_pabulib_export_round_trips_through_the_pabutools_parser():
    election = PbElection(
        description="OmaStadi; test pool",
        instance="Round 4",
        subunit="Keskinen",
        budget=1000,
        vote_type="approval",
        rule="greedy",
        projects=[
            PbProject(7, 600, "Skatepark; Kallio\nnew line", 2, True),
            PbProject(3, 500, "Benches", 1, False),
        ],
        votes=[[7], [7, 3]],
    )
    instance, profile = parse_pabulib_from_string(pabulib_text(election))
    assert instance.budget_limit == 1000
    assert {(p.name, p.cost) for p in instance} == {("7", 600), ("3", 500)}
    names = {p.name: instance.project_meta[p]["name"] for p in instance}
    assert names == {"7": "Skatepark; Kallio new line", "3": "Benches"}
    assert sorted(sorted(p.name for p in ballot) for ballot in profile) == [
        ["3", "7"],
        ["7"],
    ]
    assert instance.meta["subunit"] == "Keskinen"


def test_equal_shares_funds_the_minority_that_greedy_leaves_out():
    # Four voters want plans 1-3 (40 EUR each), two want plan 4 (30 EUR);
    # budget 100. Greedy spends it all on the majority's plans 1 and 2; each
    # voter's equal share (100 / 6) lets the minority pay for plan 4.
    ballots_ = [[1, 2, 3]] * 4 + [[4]] * 2
    counts = tally.vote_counts(ballots_)
    candidates = [
        tally.Candidate(p, cost, counts[p])
        for p, cost in {1: 40, 2: 40, 3: 40, 4: 30}.items()
    ]
    greedy = {line.plan for line in tally.greedy(100, candidates) if line.selected}
    assert greedy == {1, 2}
    assert tally.equal_shares(100, candidates, ballots_) == {1, 4}
