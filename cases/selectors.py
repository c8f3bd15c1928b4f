"""Reads of located items for the API and the map: visibility, filters by
official and drawn area, text search, and the area references each item
shows, fetched in one extra query per page."""

import json
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.models import BudgetProposal, Case, Facility
from districts.models import District
from districts.permissions import AnyUser
from districts.selectors import AREA_REF_FIELDS, custom_area_by_id, district_by_ref
from geo import srid

Item = TypeVar("Item", Case, Facility, BudgetProposal)
Viewer = AnyUser | None


def _with_areas(items: QuerySet[Item]) -> QuerySet[Item]:
    areas = District.objects.only("id", *AREA_REF_FIELDS).order_by("level", "code")
    return items.prefetch_related(Prefetch("areas", queryset=areas)).annotate(
        geojson=AsGeoJSON(Transform("location", srid.GEOJSON), precision=6)
    )


def _filtered(
    items: QuerySet[Item],
    *,
    viewer: Viewer,
    area: str | None,
    custom_area: str | None,
    q: str | None,
) -> QuerySet[Item]:
    if area:
        items = items.in_area(district_by_ref(area).pk)  # type: ignore[attr-defined]
    if custom_area:
        items = items.in_custom_area(  # type: ignore[attr-defined]
            custom_area_by_id(custom_area, viewer=viewer or AnonymousUser()).pk
        )
    if q:
        items = items.search(q.strip())  # type: ignore[attr-defined]
    return _with_areas(items.defer("location"))


def case_list(
    *,
    viewer: Viewer = None,
    area: str | None = None,
    custom_area: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    cases = Case.objects.all()
    if status:
        cases = cases.filter(status=_choice(status, Case.Status, "status"))
    return _filtered(cases, viewer=viewer, area=area, custom_area=custom_area, q=q)


def facility_list(
    *,
    viewer: Viewer = None,
    area: str | None = None,
    custom_area: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[Facility]:
    facilities = Facility.objects.all()
    if kind:
        facilities = facilities.filter(kind=_choice(kind, Facility.Kind, "kind"))
    return _filtered(facilities, viewer=viewer, area=area, custom_area=custom_area, q=q)


def proposal_list(
    *,
    viewer: Viewer = None,
    area: str | None = None,
    custom_area: str | None = None,
    status: str | None = None,
    round: str | None = None,
    q: str | None = None,
) -> QuerySet[BudgetProposal]:
    proposals = BudgetProposal.objects.select_related("district").all()
    if status:
        proposals = proposals.filter(
            status=_choice(status, BudgetProposal.Status, "status")
        )
    if round:
        try:
            proposals = proposals.filter(round=int(round))
        except ValueError:
            raise ValidationError(
                {"round": f"Expected a round number, got {round[:20]!r}."}
            ) from None
    return _filtered(proposals, viewer=viewer, area=area, custom_area=custom_area, q=q)


def item_get(items: QuerySet[Item], pk: Any) -> Item:
    try:
        number = int(str(pk))
    except ValueError:
        raise ValidationError(
            {"id": f"Expected a whole number, got {str(pk)[:20]!r}."}
        ) from None
    item = _with_areas(items).filter(pk=number).first()
    if item is None:
        raise Http404("No such item.")
    return item


def geometry_of(item: Case | Facility | BudgetProposal) -> dict[str, Any] | None:
    """The GeoJSON rendered by PostGIS in the selector, as an object."""
    text = getattr(item, "geojson", None)
    return json.loads(text) if text else None


def _choice(value: str, choices: Any, name: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            {
                name: f"Unknown {name} {value[:40]!r}; use one of: "
                f"{', '.join(choices.values)}."
            }
        )
    return value
