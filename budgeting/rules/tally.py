"""Counting the votes of one budget pool.

``greedy`` is Helsinki's rule, computed by our own code: plans in order of
votes, highest first; each plan that still fits in the money left is
selected, a plan that does not fit is skipped and the count goes on with the
next one (a cheaper plan further down may still fit). A plan nobody voted
for is never funded, however much money is left.

Ties (equal votes) are broken deterministically, so a recount of the same
ballots always gives the same result: the cheaper plan first (it leaves more
money for the plans after it), then the lower plan id. There is no lot.

``equal_shares`` is the Method of Equal Shares through ``pabutools``, for
staff to compare with the greedy result: the budget is split equally among
the voters and a plan is funded only if its supporters can pay for it from
their shares. Satisfaction is the cost of approved plans (``Cost_Sat``), as
in Pabulib's reference results. MES leaves money unspent, so its result is
completed by the same greedy rule on what is left.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule

SELECTED = "selected"
DOES_NOT_FIT = "does not fit"
NO_VOTES = "no votes"


@dataclass(frozen=True)
class Candidate:
    plan: int
    cost: int
    votes: int


@dataclass(frozen=True)
class Line:
    """One plan's place in the count and what became of it."""

    position: int
    plan: int
    cost: int
    votes: int
    selected: bool
    # Money left in the pool after this plan was decided.
    remaining: int | None
    note: str


def vote_counts(ballots: Iterable[Iterable[int]]) -> Counter[int]:
    return Counter(plan for ballot in ballots for plan in set(ballot))


def count_order(candidate: Candidate) -> tuple[int, int, int]:
    return (-candidate.votes, candidate.cost, candidate.plan)


def greedy(budget: int, candidates: Iterable[Candidate]) -> list[Line]:
    remaining = budget
    lines = []
    for position, candidate in enumerate(sorted(candidates, key=count_order), 1):
        if candidate.votes <= 0:
            selected, note = False, NO_VOTES
        elif candidate.cost <= remaining:
            remaining -= candidate.cost
            selected, note = True, SELECTED
        else:
            selected, note = False, DOES_NOT_FIT
        lines.append(
            Line(
                position=position,
                plan=candidate.plan,
                cost=candidate.cost,
                votes=candidate.votes,
                selected=selected,
                remaining=remaining,
                note=note,
            )
        )
    return lines


# The greedy rule's tie-break, in the form pabutools takes: equal density
# (votes, under Cost_Sat) goes to the cheaper plan, then the lower id.
TIE_BREAK = TieBreakingRule(
    lambda instance, profile, project: count_order(
        Candidate(plan=int(project.name), cost=int(project.cost), votes=0)
    )
)


def pabutools_election(
    budget: int,
    candidates: Sequence[Candidate],
    ballots: Iterable[Iterable[int]],
) -> tuple[Instance, ApprovalProfile]:
    """One pool as a pabutools instance (projects named by plan id) and an
    approval profile of the ballots' choices in it."""
    projects = {c.plan: Project(str(c.plan), c.cost) for c in candidates}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile(
        [
            ApprovalBallot(projects[plan] for plan in set(ballot) if plan in projects)
            for ballot in ballots
        ]
    )
    return instance, profile


def pabutools_greedy(
    budget: int, candidates: Sequence[Candidate], ballots: Sequence[Sequence[int]]
) -> set[int]:
    """pabutools' greedy rule configured as Helsinki counts: with Cost_Sat a
    plan's satisfaction density is votes * cost / cost = votes, so plans go
    in order of votes (Cardinality_Sat would order by votes per euro)."""
    instance, profile = pabutools_election(budget, candidates, ballots)
    chosen = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=TIE_BREAK
    )
    return {int(project.name) for project in chosen}


def equal_shares(
    budget: int, candidates: Sequence[Candidate], ballots: Sequence[Sequence[int]]
) -> set[int]:
    """The plans the Method of Equal Shares funds, completed greedily."""
    supported = [c for c in candidates if c.votes > 0]
    if not supported:
        return set()
    instance, profile = pabutools_election(budget, supported, ballots)
    chosen = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [
            {"sat_class": Cost_Sat, "tie_breaking": TIE_BREAK},
            {"sat_class": Cost_Sat, "tie_breaking": TIE_BREAK},
        ],
    )
    return {int(project.name) for project in chosen}
