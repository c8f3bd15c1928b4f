"""Reads of initiatives: who sees what, support counts, the law's
threshold and the twice-yearly report."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from districts.models import District, Population
from districts.permissions import AnyUser, can_handle_initiatives
from districts.selectors import custom_area_by_id, district_by_ref
from initiatives.models import Initiative, InitiativeQuerySet, Support
from initiatives.thresholds import Threshold, council_threshold


def initiatives_visible_to(viewer: AnyUser) -> InitiativeQuerySet:
    """Published initiatives for everyone; drafts for their author and
    staff. Every list, page, layer and feed starts here."""
    items = cast(InitiativeQuerySet, Initiative.objects.all())
    if can_handle_initiatives(viewer):
        return items
    if viewer.is_authenticated:
        return items.filter(~Q(status=Initiative.Status.DRAFT) | Q(author_id=viewer.pk))
    return items.public()


def public_initiatives() -> InitiativeQuerySet:
    return initiatives_visible_to(AnonymousUser())


def with_support_count(items: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return items.annotate(support_count=Count("supports", distinct=True))


def initiative_list(
    *,
    viewer: AnyUser,
    area: str | None = None,
    custom_area: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Initiative]:
    items = initiatives_visible_to(viewer)
    if area:
        items = items.in_area(district_by_ref(area).pk)
    if custom_area:
        items = items.in_custom_area(custom_area_by_id(custom_area, viewer=viewer).pk)
    if status:
        if status not in Initiative.Status.values:
            raise ValidationError(
                {
                    "status": f"Unknown status {status[:40]!r}; use one of: "
                    f"{', '.join(Initiative.Status.values)}."
                }
            )
        items = items.filter(status=status)
    if q:
        items = items.search(q.strip())
    return with_support_count(items).prefetch_related("areas").order_by("-id")


def initiative_get(*, viewer: AnyUser, pk: Any) -> Initiative:
    text = str(pk)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError({"id": f"Expected a whole number, got {text[:20]!r}."})
    found = (
        with_support_count(initiatives_visible_to(viewer))
        .prefetch_related("areas")
        .filter(pk=int(text))
        .first()
    )
    if found is None:
        raise Http404("No such initiative.")
    return found


@dataclass(frozen=True)
class AreaCount:
    code: str
    name: str
    supports: int


def supports_by_home_district(initiative: Initiative) -> list[AreaCount]:
    """Supports per supporter's home major district; those living outside
    Helsinki (or not saying) under an empty code."""
    rows = (
        Support.objects.filter(initiative=initiative)
        .values("home_district__code", "home_district__name_fi")
        .annotate(n=Count("id"))
        .order_by("home_district__code")
    )
    return [
        AreaCount(
            code=row["home_district__code"] or "",
            name=row["home_district__name_fi"] or "",
            supports=row["n"],
        )
        for row in rows
    ]


def city_population() -> tuple[int, int]:
    """(year, residents): the latest year's population of Helsinki, the sum
    of its major districts as the import stored them."""
    majors = Population.objects.filter(district__level=District.Level.MAJOR_DISTRICT)
    year = majors.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return 0, 0
    total = sum(majors.filter(year=year).values_list("population", flat=True))
    return year, total


def threshold_of(initiative: Initiative) -> Threshold:
    year, population = city_population()
    residents = Support.objects.filter(initiative=initiative, is_resident=True).count()
    return council_threshold(
        population=population, population_year=year, residents_supporting=residents
    )


# --- The twice-yearly report ------------------------------------------------

_HALF = re.compile(r"^(\d{4})-H([12])$")
COUNCIL = ""  # the board value of initiatives the council itself handles


def half_year(text: str) -> tuple[dt.datetime, dt.datetime]:
    """``2026-H1`` -> [1 January, 1 July) in Helsinki time."""
    match = _HALF.match(str(text).strip())
    if not match:
        raise ValidationError(
            {"half": f"Expected a half-year such as 2026-H1, got {str(text)[:20]!r}."}
        )
    year, half = int(match[1]), int(match[2])
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, 1 if half == 1 else 7, 1, tzinfo=zone)
    end = (
        dt.datetime(year, 7, 1, tzinfo=zone)
        if half == 1
        else dt.datetime(year + 1, 1, 1, tzinfo=zone)
    )
    return start, end


def current_half() -> str:
    today = timezone.localdate()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def report_rows(*, half: str, board: str | None = None) -> QuerySet[Initiative]:
    """Every initiative made (published) in the half-year, with its support,
    the board handling it and what was done; for one board, or for the
    council (``board=None``: all of them)."""
    start, end = half_year(half)
    items = public_initiatives().filter(published_at__gte=start, published_at__lt=end)
    if board is not None:
        items = items.filter(board=board)
    return with_support_count(items).order_by("board", "published_at", "id")


def report_boards(*, half: str) -> list[str]:
    return sorted(set(report_rows(half=half).values_list("board", flat=True)))
