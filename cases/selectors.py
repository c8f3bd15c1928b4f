"""Reads of located items for the API and the map: visibility, filters by
official and drawn area, text search, and the area references each item
shows, fetched in one extra query per page."""

import json
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from districts.selectors import AREA_REF_FIELDS, LEVELS
from geo import srid

Item = TypeVar("Item", Case, Facility, BudgetProposal)
Viewer = AbstractBaseUser | AnonymousUser | None


def area_from_ref(ref: str) -> District:
    """``level:code`` (``sub_district:020``, ``neighbourhood:49``) to the
    official area; a bad level or an unknown code is a validation error."""
    level, sep, code = ref.partition(":")
    if not sep or not code:
        raise ValidationError(
            {"area": f"Expected level:code (e.g. sub_district:020), got {ref[:40]!r}."}
        )
    if level not in LEVELS:
        raise ValidationError(
            {"area": f"Unknown level {level[:40]!r}; use one of: {', '.join(LEVELS)}."}
        )
    area = District.objects.filter(level=level, code=code).only("id").first()
    if area is None:
        raise ValidationError({"area": f"No {level} has the code {code[:20]!r}."})
    return area


def custom_area_visible(area_id: Any, *, viewer: Viewer) -> CustomArea:
    """A drawn area the viewer may use: a public one or their own. Others'
    private areas are indistinguishable from areas that do not exist."""
    try:
        pk = int(str(area_id))
    except ValueError:
        raise ValidationError(
            {
                "custom_area": "Expected an area id (a whole number), got "
                f"{str(area_id)[:20]!r}."
            }
        ) from None
    visible = Q(is_public=True)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(owner=viewer)
    area = CustomArea.objects.filter(visible, pk=pk).only("id").first()
    if area is None:
        raise Http404("No such custom area.")
    return area


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
        items = items.in_area(area_from_ref(area).pk)  # type: ignore[attr-defined]
    if custom_area:
        items = items.in_custom_area(  # type: ignore[attr-defined]
            custom_area_visible(custom_area, viewer=viewer).pk
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
