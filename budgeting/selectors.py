"""Reads for the API, the web page and the map."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from budgeting.models import AreaBudget, Ballot, Phase, Plan, Round, Tally
from budgeting.rules.allocation import METHOD
from cases.models import BudgetProposal
from districts.models import District
from geo.functions import SimplifyPreserveTopology
from geo.geojson import feature_collection, features_json

CITY_WIDE = "city-wide"


def round_list() -> QuerySet[Round]:
    return Round.objects.prefetch_related("phases")


def phases_open_on(day: dt.date) -> QuerySet[Phase]:
    """Phases under way on ``day`` (both end days included), the one that
    closes first first."""
    return (
        Phase.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .select_related("round")
        .order_by("ends_on", "round__number")
    )


def round_get(number: int) -> Round | None:
    return (
        Round.objects.prefetch_related(
            "phases",
            Prefetch(
                "area_budgets",
                queryset=AreaBudget.objects.select_related("district").order_by(
                    "district__code"
                ),
            ),
        )
        .filter(number=number)
        .first()
    )


def allocation_table(round_: Round) -> dict[str, Any]:
    """The split of the round's money, as announced: stored area budgets."""
    rows = [
        {
            "area": budget.district.code,
            "name_fi": budget.district.name_fi,
            "name_sv": budget.district.name_sv,
            "population": budget.population,
            "amount": budget.amount,
        }
        for budget in round_.area_budgets.all()
    ]
    return {
        "total_amount": round_.total_amount,
        "city_wide_amount": round_.city_wide_amount,
        "district_amount": round_.district_amount,
        "population_year": round_.population_year,
        "population": sum(row["population"] for row in rows),
        "method": METHOD,
        "areas": rows,
    }


def area_filter(code: str | None, *, field: str = "area") -> dict[str, Any]:
    """``area`` query value to a filter on the major district ``field``
    (a Plan's ``area``, a proposal's ``district``): a major district's code
    or "city-wide"."""
    if code is None:
        return {}
    if code == CITY_WIDE:
        return {f"{field}__isnull": True}
    return {f"{field}__code": checked_area_code(code)}


def checked_area_code(code: str) -> str:
    if not (code.isascii() and code.isdigit() and len(code) <= 3):
        raise ValidationError(
            f"Unknown area {code[:20]!r}: use a major district's code (1-8) "
            f"or {CITY_WIDE}."
        )
    return code


def plan_list(
    *, round_: Round, area: str | None = None, selected: bool | None = None
) -> QuerySet[Plan]:
    plans = round_.plans.select_related("area").defer("description")
    if selected is not None:
        plans = plans.filter(selected=selected)
    return plans.filter(**area_filter(area)).order_by("area__code", "source_id", "id")


@dataclass(frozen=True)
class PoolResult:
    area: District | None
    budget: int
    plans: list[Plan]
    tallies: dict[str, Tally]

    @property
    def spent(self) -> int:
        return sum(p.cost for p in self.plans if p.selected)

    def comparison(self) -> list[dict[str, Any]]:
        """The greedy count beside the Method of Equal Shares, plan by plan,
        in the greedy count's order; empty when not counted here."""
        greedy = self.tallies.get(Tally.Method.GREEDY)
        mes = self.tallies.get(Tally.Method.EQUAL_SHARES)
        if greedy is None:
            return []
        titles = {p.pk: str(p) for p in self.plans}
        funded = (
            {line.plan_id for line in mes.lines.all() if line.selected}
            if mes
            else set()
        )
        return [
            {
                "plan": titles.get(line.plan_id, line.plan_id),
                "votes": line.votes,
                "greedy": line.selected,
                "note": line.note,
                "equal_shares": line.plan_id in funded,
            }
            for line in greedy.lines.all()
        ]


def results(round_: Round) -> list[PoolResult]:
    """Each pool's plans with their outcome, and the tallies (greedy and
    MES side by side) where the ballots were counted here. Imported rounds
    show the winners the City recorded; they come with no vote counts."""
    budgets = {b.district_id: b for b in round_.area_budgets.all()}
    plans = list(round_.plans.select_related("area").order_by("-selected", "-cost"))
    tallies = Tally.objects.filter(round=round_).prefetch_related("lines")
    by_pool: dict[int | None, dict[str, Tally]] = {}
    for tally in tallies:
        by_pool.setdefault(tally.area_id, {})[tally.method] = tally
    pools = sorted(
        {p.area_id for p in plans} | set(budgets), key=lambda a: (a is not None, a)
    )
    areas = {p.area_id: p.area for p in plans} | {
        a: b.district for a, b in budgets.items()
    }
    return [
        PoolResult(
            area=areas.get(pool),
            budget=pool_budget(round_, budgets, pool),
            plans=[p for p in plans if p.area_id == pool],
            tallies=by_pool.get(pool, {}),
        )
        for pool in pools
    ]


def pool_budget(round_: Round, budgets: dict[int, AreaBudget], pool: int | None) -> int:
    if pool is None:
        return round_.city_wide_amount
    return budgets[pool].amount if pool in budgets else 0


def ballots_for_export(round_: Round, area: District | None) -> list[list[int]]:
    """Each ballot's choices in one pool (ballots with none there left out),
    sorted by what they chose: the order tells nothing of who voted when."""
    choices = Ballot.objects.filter(round=round_, choices__plan__area=area).values_list(
        "id", "choices__plan_id"
    )
    by_ballot: dict[int, list[int]] = {}
    for ballot_id, plan_id in choices:
        by_ballot.setdefault(ballot_id, []).append(plan_id)
    return sorted(sorted(plans) for plans in by_ballot.values())


def ballot_by_receipt(code: str) -> Ballot | None:
    return Ballot.objects.select_related("round").filter(receipt_code=code).first()


# Properties of the results layer: a resident follows a plan from the
# vote to done.
RESULT_PROPERTIES = (
    "title",
    "round__number",
    "area__code",
    "area__name_fi",
    "cost",
    "source_id",
    "implementation_status",
    "implementation_started_on",
    "implementation_done_on",
    "implementation_notes",
)


def selected_plan_list(round_: Round | None = None) -> QuerySet[Plan]:
    """Selected plans that have a place on the map, for the results layer."""
    plans = Plan.objects.selected().filter(location__isnull=False)
    if round_ is not None:
        plans = plans.filter(round=round_)
    return plans.order_by("round__number", "source_id", "id")


def selected_plans_geojson(
    round_: Round | None = None, *, area: str | None = None
) -> str:
    plans = selected_plan_list(round_).filter(**area_filter(area))
    return feature_collection(plans, geometry="location", properties=RESULT_PROPERTIES)


def proposal_browse(
    round_: Round, *, area: str | None = None
) -> QuerySet[BudgetProposal]:
    """A round's proposals in one pool (see ``area_filter``), newest
    first."""
    return (
        BudgetProposal.objects.filter(
            round=round_, **area_filter(area, field="district")
        )
        .select_related("district")
        .defer("description", "search_fi", "search_sv")
        .order_by("-created_at", "-id")
    )


def proposals_submitted_by(user: Any) -> QuerySet[BudgetProposal]:
    return (
        BudgetProposal.objects.filter(submitted_by=user)
        .select_related("district", "round")
        .defer("search_fi", "search_sv")
        .order_by("-created_at", "-id")
    )


def major_districts() -> QuerySet[District]:
    return (
        District.objects.at_level(District.Level.MAJOR_DISTRICT)
        .defer("boundary")
        .order_by("code")
    )


# Metres: under a pixel at the zoom a round's whole map is shown at.
OUTLINE_TOLERANCE = 40.0


def major_district_outlines() -> str:
    """The major districts' land outlines, simplified, as a JSON array of
    GeoJSON features: the budget pools, drawn under a round's map."""
    rows = (
        District.objects.at_level(District.Level.MAJOR_DISTRICT)
        .on_land()
        .annotate(outline=SimplifyPreserveTopology("boundary", OUTLINE_TOLERANCE))
        .order_by("code")
    )
    return features_json(
        rows, geometry="outline", properties=["code", "name_fi", "name_sv", "name_en"]
    )


def located_features(rows: QuerySet, *, properties: list[str]) -> str:
    """``rows`` that have a point, as a JSON array of GeoJSON features."""
    return features_json(
        rows.filter(location__isnull=False), geometry="location", properties=properties
    )
