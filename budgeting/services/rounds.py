"""Rounds, their budgets and their plans."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction

from budgeting.models import (
    AreaBudget,
    Phase,
    Plan,
    Round,
)
from budgeting.rules.allocation import allocate
from budgeting.rules.problem import Problem
from districts.models import District, Population
from districts.permissions import AnyUser, coordinates, ensure, is_admin


def rejected(problem: Problem) -> ValidationError:
    return ValidationError(problem.message, code=problem.code)


@transaction.atomic
def round_create(
    *,
    number: int,
    name: str,
    total_amount: int,
    phases: Mapping[str, tuple[dt.date, dt.date]],
    city_wide_amount: int = 0,
    allocate_now: bool = True,
    **rules: Any,
) -> Round:
    """A round with its phases (kind -> first and last day) and, unless
    told otherwise, its district budgets allocated by population."""
    round_ = Round(
        number=number,
        name=name,
        total_amount=total_amount,
        city_wide_amount=city_wide_amount,
        **rules,
    )
    round_.full_clean()
    round_.save()
    for kind, (starts_on, ends_on) in phases.items():
        phase = Phase(round=round_, kind=kind, starts_on=starts_on, ends_on=ends_on)
        phase.full_clean()
        phase.save()
    if allocate_now:
        round_allocate(round_)
    return round_


@transaction.atomic
def round_allocate(round_: Round) -> list[AreaBudget]:
    """Fix the round's district budgets from the population of its year.

    Refused once ballots exist: the budget a voter filled in must not move.
    """
    if round_.district_amount is None:
        raise rejected(Problem("no_total", "The round's total amount is not known."))
    if round_.ballots.exists():
        raise rejected(
            Problem(
                "ballots_exist",
                "The round already has ballots; its budgets are fixed.",
            )
        )
    rows = Population.objects.filter(
        year=round_.population_year,
        district__level=District.Level.MAJOR_DISTRICT,
    ).select_related("district")
    populations = {row.district: row.population for row in rows}
    if not populations:
        raise rejected(
            Problem(
                "no_population",
                f"No population of the major districts for {round_.population_year}.",
            )
        )
    AreaBudget.objects.filter(round=round_).delete()
    return AreaBudget.objects.bulk_create(
        AreaBudget(
            round=round_,
            district=share.area,
            population=share.population,
            amount=share.amount,
        )
        for share in allocate(round_.district_amount, populations)
    )


@transaction.atomic
def plan_create(
    *,
    round_: Round,
    title: str,
    cost: int,
    area: District | None,
    description: str = "",
    location: GEOSGeometry | None = None,
    source_id: int | None = None,
) -> Plan:
    """A costed plan on the round's ballot; ``area`` None is city-wide."""
    if area is not None and area.level != District.Level.MAJOR_DISTRICT:
        raise rejected(Problem("wrong_area", "A plan's pool is a major district."))
    plan = Plan(
        round=round_,
        title=title,
        cost=cost,
        area=area,
        description=description,
        location=location,
        source_id=source_id,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_implementation_update(
    plan: Plan,
    *,
    user: AnyUser,
    status: str,
    started_on: dt.date | None = None,
    done_on: dt.date | None = None,
    notes: str | None = None,
) -> Plan:
    """Staff and the coordinators of the plan's major district follow a
    selected plan's implementation; residents read it on the results map."""
    ensure(
        is_admin(user) or (plan.area is not None and coordinates(user, plan.area)),
        "Only staff and the area's coordinators update an implementation.",
    )
    if not plan.selected:
        raise rejected(
            Problem(
                "not_selected",
                "Only a selected plan has an implementation to follow.",
            )
        )
    plan.implementation_status = status
    plan.implementation_started_on = started_on or plan.implementation_started_on
    plan.implementation_done_on = done_on or plan.implementation_done_on
    if notes is not None:
        plan.implementation_notes = notes
    if problem := implementation_problem(plan):
        raise rejected(problem)
    plan.full_clean()
    plan.save()
    return plan


def implementation_problem(plan: Plan) -> Problem | None:
    started, done = plan.implementation_started_on, plan.implementation_done_on
    if plan.implementation_status == Plan.Implementation.DONE and done is None:
        return Problem("missing_date", "A done plan needs the date it was done.")
    if started is not None and done is not None and done < started:
        return Problem(
            "done_before_started",
            f"An implementation cannot be done ({done.isoformat()}) before it "
            f"started ({started.isoformat()}).",
        )
    return None
