"""What a valid ballot is.

A round has one budget pool per major district, and may have a city-wide
pool (area key ``CITY_WIDE``). Every voter may vote in the city-wide pool;
in the district pools, either only in their own major district
(``OWN_DISTRICT``, the default) or in any one district of their choice
(``CITY_WIDE_PLUS_ONE``, as OmaStadi has run it). The voting rule applies to
each pool separately: under ``KNAPSACK`` the chosen plans of a pool cost at
most its budget (and, optionally, at least a share of it); under
``APPROVAL`` a voter picks at most ``max_choices`` plans per pool.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgeting.rules.problem import Problem

__all__ = ["BallotRule", "Option", "Problem", "ballot_problem", "minimum_spend"]

CITY_WIDE = ""

KNAPSACK = "knapsack"
APPROVAL = "approval"
OWN_DISTRICT = "own_district"
CITY_WIDE_PLUS_ONE = "city_wide_plus_one"

# The channels a ballot arrives by.
ONLINE = "online"
PAPER = "paper"


@dataclass(frozen=True)
class Option:
    """A plan on the ballot: its id, cost in euros and pool."""

    plan: int
    cost: int
    area: str


@dataclass(frozen=True)
class BallotRule:
    voting_rule: str
    area_rule: str
    budgets: Mapping[str, int]
    max_choices: int | None = None
    min_share: Decimal | None = None


def euros(amount: int) -> str:
    return f"{amount:,} EUR".replace(",", " ")


def minimum_spend(rule: BallotRule, budget: int) -> int | None:
    """The least a knapsack ballot must use of a pool's budget, in whole
    euros rounded up; None when there is no minimum."""
    if rule.voting_rule != KNAPSACK or rule.min_share is None:
        return None
    return int((rule.min_share * budget).to_integral_value("ROUND_CEILING"))


def ballot_problem(
    rule: BallotRule, *, home_area: str, chosen: Sequence[Option]
) -> Problem | None:
    """The first thing wrong with this ballot, or None if it is valid."""
    if not chosen:
        return Problem("empty", "The ballot chooses no plans.")
    plans = [option.plan for option in chosen]
    if len(set(plans)) != len(plans):
        return Problem("duplicate_plan", "The ballot names the same plan twice.")

    by_area: dict[str, list[Option]] = defaultdict(list)
    for option in chosen:
        by_area[option.area].append(option)
    districts = sorted(area for area in by_area if area != CITY_WIDE)
    if rule.area_rule == OWN_DISTRICT and any(a != home_area for a in districts):
        return Problem(
            "wrong_area",
            "You may vote only for plans in your own major district "
            f"({home_area or 'none'}) and city-wide plans; the ballot has plans "
            f"in: {', '.join(a for a in districts if a != home_area)}.",
        )
    if rule.area_rule == CITY_WIDE_PLUS_ONE and len(districts) > 1:
        return Problem(
            "wrong_area",
            "You may vote for city-wide plans and plans in one major district "
            f"only; the ballot has plans in {len(districts)}: "
            f"{', '.join(districts)}.",
        )

    for area, options in sorted(by_area.items()):
        pool = "the city-wide pool" if area == CITY_WIDE else f"major district {area}"
        if rule.voting_rule == APPROVAL:
            if rule.max_choices is not None and len(options) > rule.max_choices:
                return Problem(
                    "too_many_plans",
                    f"Too many plans in {pool}: {len(options)} chosen, at most "
                    f"{rule.max_choices} allowed.",
                )
            continue
        budget = rule.budgets.get(area, 0)
        spent = sum(option.cost for option in options)
        if spent > budget:
            return Problem(
                "over_budget",
                f"Over budget in {pool}: the chosen plans cost {euros(spent)}, "
                f"the budget is {euros(budget)}.",
            )
        minimum = minimum_spend(rule, budget)
        if minimum is not None and spent < minimum:
            return Problem(
                "under_minimum",
                f"Too little chosen in {pool}: the chosen plans cost "
                f"{euros(spent)}, at least {euros(minimum)} must be used.",
            )
    return None
