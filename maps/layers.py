"""The registry of map layers: every collection the OGC API, the vector
tiles and the planners' query serve.

A layer names the selector that feeds it (visibility is the selector's
business), its geometry, the properties a feature carries, the fields a
tile carries, and the filters it understands. Everything else is generic.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Subquery
from django.http import Http404

from districts.models import CustomArea, District
from districts.selectors import LEVELS

Viewer = AbstractBaseUser | AnonymousUser
# A filter narrows a layer's rows by one request parameter's value.
Filter = Callable[[QuerySet, str, Viewer], QuerySet]


@dataclass(frozen=True)
class Layer:
    name: str
    title: str
    description: str
    rows: Callable[[Viewer], QuerySet]
    geometry: str
    properties: tuple[str, ...]
    tile_fields: tuple[str, ...]
    # Rows in (or overlapping) an area: official, custom or drawn.
    overlapping: Callable[[QuerySet, Any], QuerySet]
    filters: Mapping[str, Filter] = field(default_factory=dict)
    id_field: str = "id"
    temporal: str | None = None
    # Counted per value in the planners' query (status, kind).
    breakdown: str | None = None
    # False when what a viewer sees depends on who they are.
    public: bool = True
    ordering: tuple[str, ...] = ("id",)

    def feature_rows(self, viewer: Viewer) -> QuerySet:
        return self.rows(viewer).order_by(*self.ordering)

    def get_feature(self, viewer: Viewer, feature_id: str) -> QuerySet:
        if self.id_field == "id" and not feature_id.isdigit():
            raise Http404(f"No feature {feature_id[:40]!r} in {self.name}.")
        return self.rows(viewer).filter(**{self.id_field: feature_id})


def areas_overlapping(queryset: QuerySet, area: Any) -> QuerySet:
    # Areas whose interiors meet: a neighbour that only shares a border line
    # with ``area`` touches it, and is not in it.
    return queryset.filter(boundary__intersects=area).exclude(boundary__touches=area)


def items_within(queryset: QuerySet, area: Any) -> QuerySet:
    # An item touching the area at all belongs to it, as
    # LocatedQuerySet.within says.
    return queryset.filter(location__intersects=area)


def official_area(spec: str) -> Subquery:
    """``<level>:<code>`` to a subquery of that area's boundary, so the
    boundary never leaves the database."""
    level, sep, code = spec.partition(":")
    if not sep or not code:
        raise ValidationError(
            f"'area' must be <level>:<code>, e.g. district:101; got {spec[:40]!r}."
        )
    if level not in LEVELS:
        raise ValidationError(
            f"Unknown area level {level[:40]!r}; use one of: {', '.join(LEVELS)}."
        )
    areas = District.objects.filter(level=level, code=code)
    if not areas.exists():
        raise Http404(f"No {level} with code {code[:40]!r}.")
    return Subquery(areas.values("boundary")[:1])


def custom_area(raw: str | int, viewer: Viewer) -> Subquery:
    try:
        area_id = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(
            f"'custom_area' must be a custom area id, got {str(raw)[:40]!r}."
        ) from None
    areas = custom_area_rows(viewer).filter(id=area_id)
    if not areas.exists():
        raise Http404(f"No custom area {area_id} that you may see.")
    return Subquery(areas.values("boundary")[:1])


def area_filters(overlapping: Callable[[QuerySet, Any], QuerySet]) -> dict[str, Filter]:
    return {
        "area": lambda rows, value, viewer: overlapping(rows, official_area(value)),
        "custom_area": lambda rows, value, viewer: overlapping(
            rows, custom_area(value, viewer)
        ),
    }


AREA_PROPERTIES = ("level", "code", "name_fi", "name_sv", "name_en")


def district_layer(name: str, level: str, title: str, description: str) -> Layer:
    def rows(viewer: Viewer) -> QuerySet:
        return District.objects.at_level(level).annotate(parent_code=F("parent__code"))

    return Layer(
        name=name,
        title=title,
        description=description,
        rows=rows,
        geometry="boundary",
        properties=(*AREA_PROPERTIES, "full_code", "parent_code", "is_sea"),
        tile_fields=(*AREA_PROPERTIES, "is_sea"),
        overlapping=areas_overlapping,
        filters=area_filters(areas_overlapping),
        id_field="code",
        ordering=("code",),
    )


def custom_area_rows(viewer: Viewer) -> QuerySet:
    """Public custom areas, the viewer's own, and all of them for staff."""
    areas = CustomArea.objects.all()
    if getattr(viewer, "is_staff", False):
        return areas
    if viewer.is_authenticated:
        return areas.filter(Q(is_public=True) | Q(owner_id=viewer.pk))
    return areas.filter(is_public=True)


LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        district_layer(
            "major-districts",
            District.Level.MAJOR_DISTRICT,
            "Major districts",
            "Helsinki's 8 major districts (suurpiiri), 2022 division.",
        ),
        district_layer(
            "districts",
            District.Level.DISTRICT,
            "Districts",
            "Helsinki's 34 districts (peruspiiri), 2022 division.",
        ),
        district_layer(
            "sub-districts",
            District.Level.SUB_DISTRICT,
            "Sub-districts",
            "Helsinki's 148 sub-districts (osa-alue), 2022 division.",
        ),
        district_layer(
            "neighbourhoods",
            District.Level.NEIGHBOURHOOD,
            "Neighbourhoods",
            "Helsinki's neighbourhoods (kaupunginosa) and its sea area.",
        ),
        Layer(
            name="custom-areas",
            title="Custom areas",
            description=(
                "Areas drawn by coordinators and planners. Public ones for "
                "everyone; private ones for their owner and staff."
            ),
            rows=custom_area_rows,
            geometry="boundary",
            properties=("name_fi", "name_sv", "name_en", "description", "is_public"),
            tile_fields=("id", "name_fi", "name_sv", "name_en"),
            overlapping=areas_overlapping,
            filters=area_filters(areas_overlapping),
            temporal="created_at",
            public=False,
        ),
    )
}


def get_layer(name: str) -> Layer:
    try:
        return LAYERS[name]
    except KeyError:
        raise Http404(
            f"No collection {name[:60]!r}; collections: {', '.join(LAYERS)}."
        ) from None


def apply_filters(
    layer: Layer, rows: QuerySet, params: Mapping[str, str], viewer: Viewer
) -> QuerySet:
    for name, narrow in layer.filters.items():
        value = params.get(name)
        if value:
            rows = narrow(rows, value, viewer)
    return rows


def choice_filter(field_name: str, choices: list[str]) -> Filter:
    """``?status=a,b``: rows whose ``field_name`` is one of the values."""

    def narrow(rows: QuerySet, value: str, viewer: Viewer) -> QuerySet:
        wanted = [v.strip() for v in value.split(",") if v.strip()]
        unknown = sorted(set(wanted) - set(choices))
        if unknown:
            raise ValidationError(
                f"Unknown {field_name} {', '.join(unknown)[:80]!r}; use any of: "
                f"{', '.join(choices)}."
            )
        return rows.filter(Q(**{f"{field_name}__in": wanted}))

    return narrow
