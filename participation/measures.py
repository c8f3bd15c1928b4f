"""The registry of participation measures: what is counted, per which
period, and how one official area's count is computed.

A measure is one entry: its name, the kind of period it is counted over
(a budgeting round or a calendar year), the area levels it is known at,
and a function that, given the period, returns a SQL expression counting
the items of the ``District`` row it is evaluated on (``OuterRef("pk")``).
Every surface (the API, CSV, the OGC collection, the equity view, the
annual report) reads the same expression through
``participation.selectors``, so no two disagree.

An item counts for every area it is linked to (``cases.services.links``),
so an item on a shared border counts on both sides. Adding a channel whose
items are linked to areas is one entry with ``linked_count``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.measure import D
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from budgeting.models import Ballot
from cases.models import BudgetProposal
from districts.models import District
from forums.models import Meeting
from geo.points import point_at
from participation.periods import ROUND, YEAR

Level = District.Level
BOTH_LEVELS = (Level.MAJOR_DISTRICT.value, Level.DISTRICT.value)

# Counts one District row's items in a period: an SQL expression.
Counter = Callable[[int], models.Expression]


@dataclass(frozen=True)
class Measure:
    name: str
    label: Promise
    period: str  # ROUND or YEAR
    count: Counter
    levels: tuple[str, ...] = BOTH_LEVELS
    description: Promise | str = ""


def counted(rows: models.QuerySet, value: models.F | None = None) -> Any:
    """The number of ``rows`` (or the sum of ``value`` over them) as a scalar
    subquery; zero when there are none."""
    aggregate = Count("*") if value is None else Sum(value)
    return Coalesce(
        Subquery(
            rows.order_by()
            .annotate(_group=models.Value(1))
            .values("_group")
            .annotate(_n=aggregate)
            .values("_n")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )


def linked_count(
    model: type[models.Model], period_filter: Callable[[int], Q]
) -> Counter:
    """Items of ``model`` (linked to areas through its ``areas``) that
    satisfy ``period_filter(period)``, per area they are linked to."""
    through = model._meta.get_field("areas").remote_field.through  # type: ignore[union-attr]

    def count(period: int) -> models.Expression:
        items = model._default_manager.filter(period_filter(period))
        links = through.objects.filter(
            district_id=OuterRef("pk"),
            **{f"{model._meta.model_name}_id__in": items.values("pk")},
        )
        return counted(links)

    return count


# OmaStadi puts a proposal whose proposer placed no pin on one of two
# points in the city centre. Such a proposal says nothing about where it
# is, so it counts only for the major district whose pool it competes for,
# however it is stored (at the point, or without one).
PLACEHOLDER_POINTS = (
    point_at(lon=24.940947, lat=60.168677),
    point_at(lon=24.93266, lat=60.17116),
)
PLACEHOLDER_TOLERANCE = D(m=1)


def at_placeholder() -> Q:
    near = Q()
    for point in PLACEHOLDER_POINTS:
        near |= Q(location__dwithin=(point, PLACEHOLDER_TOLERANCE))
    return near


def proposal_count(round_number: int) -> models.Expression:
    in_round = BudgetProposal.objects.filter(round=round_number)
    placed = linked_count(
        BudgetProposal,
        lambda n: Q(round=n) & ~at_placeholder(),
    )(round_number)
    placeholders = in_round.filter(at_placeholder(), district_id=OuterRef("pk"))
    return placed + counted(placeholders)


def ballot_count(round_number: int) -> models.Expression:
    # A ballot is counted for the voter's home major district when they
    # voted: the only place a ballot is known to come from.
    return counted(
        Ballot.objects.filter(
            round__number=round_number, home_district_id=OuterRef("pk")
        )
    )


def meetings_held(year: int) -> models.QuerySet:
    """Meetings held in ``year`` (Helsinki time) by a forum of the District
    row the expression is evaluated on, or of an area beneath it. A forum of
    a neighbourhood or a custom area, which nest in no district, counts for
    the areas covering a point inside its area."""
    area = OuterRef("pk")
    official = (
        Q(forum__district_id=area)
        | Q(forum__district__parent_id=area)
        | Q(forum__district__parent__parent_id=area)
    )
    elsewhere = (
        Q(forum__custom_area__isnull=False)
        | Q(forum__district__level=Level.NEIGHBOURHOOD)
    ) & Q(spot__coveredby=OuterRef("boundary"))
    return (
        Meeting.objects.filter(starts_at__year=year, starts_at__lte=now())
        .annotate(
            spot=PointOnSurface(
                Coalesce("forum__custom_area__boundary", "forum__district__boundary")
            )
        )
        .filter(official | elsewhere)
    )


def meeting_count(year: int) -> models.Expression:
    return counted(meetings_held(year))


def attendance_count(year: int) -> models.Expression:
    return counted(meetings_held(year), value=models.F("attendance"))


MEASURES: dict[str, Measure] = {
    measure.name: measure
    for measure in (
        Measure(
            "proposals",
            _("Budget proposals"),
            ROUND,
            proposal_count,
            description=_("Participatory-budgeting proposals submitted in the round."),
        ),
        Measure(
            "ballots",
            _("Ballots"),
            ROUND,
            ballot_count,
            levels=(Level.MAJOR_DISTRICT.value,),
            description=_("Ballots cast here, by the voter's home major district."),
        ),
        Measure(
            "meetings",
            _("Forum meetings held"),
            YEAR,
            meeting_count,
            description=_("Resident forum meetings held in the year."),
        ),
        Measure(
            "attendance",
            _("Forum meeting attendance"),
            YEAR,
            attendance_count,
            description=_(
                "People at the forum meetings held in the year, as their "
                "coordinators recorded."
            ),
        ),
    )
}
