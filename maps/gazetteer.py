"""Place-name search for the map: official area names in Finnish, Swedish
and English, answered with where to jump to."""

from typing import Any

from django.contrib.gis.db.models.functions import Envelope, Transform
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

from districts.models import District
from geo import srid
from maps.outlines import area_url

LIMIT = 10
LEVEL_ORDER = {level.value: n for n, level in enumerate(District.Level)}


def _name_match(query: str, how: str) -> Q:
    match = Q()
    for field in ("name_fi", "name_sv", "name_en"):
        match |= Q(**{f"{field}__{how}": query})
    return match


def place_search(query: str) -> list[dict[str, Any]]:
    """Areas whose name in any language contains ``query``: names that start
    with it first, then larger areas before smaller ones."""
    areas = (
        District.objects.on_land()
        .filter(_name_match(query, "icontains"))
        .annotate(
            starts=Case(
                When(_name_match(query, "istartswith"), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            level_order=Case(
                *(When(level=level, then=Value(n)) for level, n in LEVEL_ORDER.items()),
                output_field=IntegerField(),
            ),
            extent=Transform(Envelope("boundary"), srid.GEOJSON),
        )
        .defer("boundary")
        .order_by("starts", "level_order", Length("name_fi"), "name_fi")[:LIMIT]
    )
    places = []
    for area in areas:
        west, south, east, north = area.extent.extent  # type: ignore[attr-defined]
        places.append(
            {
                "kind": "area",
                "name": area.name(),
                "names": {"fi": area.name_fi, "sv": area.name_sv or area.name_fi},
                "level": area.level,
                "level_label": str(area.get_level_display()),
                "code": area.code,
                "bbox": [round(v, 6) for v in (west, south, east, north)],
                "url": area_url(area.level, area.code),
            }
        )
    return places
