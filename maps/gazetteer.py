"""Place search for the map: official area names in Finnish, Swedish and
English and facility names, answered with where to jump to.

Tolerant as a resident types: case and missing diacritics do not matter
(PostgreSQL ``unaccent``: "itakeskus" finds Itäkeskus) and a small typo is
forgiven (``pg_trgm`` word similarity: "Kalio" finds Kallio).
"""

from typing import Any

from django.contrib.gis.db.models.functions import Envelope, Transform
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Length, Lower

from cases.models import Facility
from districts.models import District
from geo import srid
from maps.features import item_page_url, item_title
from maps.outlines import area_url

AREA_LIMIT = 10
FACILITY_LIMIT = 5
# Word similarity at which a name counts as the one meant: "Kalio" and
# Kallio score 0.71, unrelated names of the same length under 0.3.
SIMILARITY = 0.5
LEVEL_ORDER = {level.value: n for n, level in enumerate(District.Level)}
# A facility is a point; the map shows it with this much around it (degrees).
POINT_MARGIN = 0.002


def _matching(rows: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """``rows`` whose ``fields`` contain ``query`` or come close to it,
    annotated with how: ``match`` 0 starts with it, 1 contains it, 2 is
    similar; ``score`` the best word similarity."""
    contains = Q()
    starts = Q()
    for field in fields:
        contains |= Q(**{f"{field}__unaccent__icontains": query})
        starts |= Q(**{f"{field}__unaccent__istartswith": query})
    wanted = Unaccent(Lower(Value(query)))
    scores = [
        # django-stubs types the first argument as str; any expression works.
        TrigramWordSimilarity(wanted, Unaccent(Lower(F(field))))  # type: ignore[arg-type]
        for field in fields
    ]
    score = Greatest(*scores) if len(scores) > 1 else scores[0]
    return rows.annotate(
        score=score,
        match=Case(
            When(starts, then=Value(0)),
            When(contains, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).filter(contains | Q(score__gte=Value(SIMILARITY, output_field=FloatField())))


def _area_places(query: str) -> list[dict[str, Any]]:
    areas = (
        _matching(District.objects.on_land(), ("name_fi", "name_sv", "name_en"), query)
        .annotate(
            level_order=Case(
                *(When(level=level, then=Value(n)) for level, n in LEVEL_ORDER.items()),
                output_field=IntegerField(),
            ),
            extent=Transform(Envelope("boundary"), srid.GEOJSON),
        )
        .defer("boundary")
        .order_by("match", "-score", "level_order", Length("name_fi"), "name_fi")
    )[:AREA_LIMIT]
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


def _facility_places(query: str) -> list[dict[str, Any]]:
    facilities = (
        _matching(
            Facility.objects.exclude(location=None),
            ("name_fi", "name_sv", "name_en"),
            query,
        )
        .annotate(point=Transform("location", srid.GEOJSON))
        .order_by("match", "-score", "name_fi", "id")
    )[:FACILITY_LIMIT]
    places = []
    for facility in facilities:
        lon, lat = facility.point.coords  # type: ignore[attr-defined]
        places.append(
            {
                "kind": "facility",
                "name": item_title(facility),
                "level": "facility",
                "level_label": str(facility.get_kind_display()),
                "code": str(facility.pk),
                "bbox": [
                    round(v, 6)
                    for v in (
                        lon - POINT_MARGIN,
                        lat - POINT_MARGIN,
                        lon + POINT_MARGIN,
                        lat + POINT_MARGIN,
                    )
                ],
                "url": item_page_url("facilities", facility.pk),
            }
        )
    return places


def place_search(query: str) -> list[dict[str, Any]]:
    """Areas, then facilities, whose name in any language matches ``query``:
    names that start with it first, then names containing it, then similar
    names; among equals larger areas before smaller ones."""
    return _area_places(query) + _facility_places(query)
