"""Planners' polygon query: what lies in an area, counted per collection and
per status or kind, with the features; downloadable as GeoJSON, CSV or
GeoPackage (maps.downloads).

The area is a GeoJSON Polygon/MultiPolygon (bare, as a Feature, or under
``geometry``), ``{"area": "<level>:<code>"}`` or ``{"custom_area": id}``.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from districts.selectors import district_by_ref
from geo.geojson import feature_page
from geo.params import MAX_POLYGON_VERTICES, GeometryTooLargeError, parse_polygon
from maps.downloads import FORMATS, download
from maps.layers import LAYERS, Layer, Viewer, custom_area_boundary
from maps.ogc import MAX_LIMIT
from web.errors import bad_input_is_400
from web.parsers import load_json
from web.ratelimit import (
    PolygonExportThrottle,
    PolygonQueryThrottle,
    rate_limited,
    too_many_requests,
)
from web.viewer import viewer_of

# A polygon of MAX_POLYGON_VERTICES vertices is under 1 MB of GeoJSON; a
# larger body is refused before it is read, let alone parsed.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Area:
    """Where to look: a drawn polygon, an official area or a custom area."""

    kind: str
    polygon: GEOSGeometry | None = None
    district_id: int | None = None
    boundary: Any = None  # a subquery of a custom area's boundary

    def rows(self, layer: Layer, viewer: Viewer) -> QuerySet:
        rows = layer.rows(viewer)
        if self.district_id is not None:
            return layer.in_official_area(rows, self.district_id)
        return layer.overlapping(rows, self.polygon or self.boundary)


def read_body(request: HttpRequest) -> Any:
    if request.content_type != "application/json":
        raise ValidationError(
            f"The body must be application/json, not "
            f"{(request.content_type or 'missing')[:60]}.",
            code="unsupported_media_type",
        )
    # web.middleware has checked that Content-Length is a number.
    size = int(request.headers.get("Content-Length") or 0)
    if size > MAX_BODY_BYTES:
        raise GeometryTooLargeError(
            f"The request body is {size} bytes; at most {MAX_BODY_BYTES} are "
            f"accepted (polygons up to {MAX_POLYGON_VERTICES} vertices).",
            code="too_large",
        )
    return load_json(request.body)


def parse_area(body: Any, viewer: Viewer) -> Area:
    if not isinstance(body, dict):
        raise ValidationError(
            "The body must be a GeoJSON Polygon or MultiPolygon, "
            '{"area": "<level>:<code>"} or {"custom_area": <id>}.'
        )
    if "area" in body:
        return Area("area", district_id=district_by_ref(body["area"]).pk)
    if "custom_area" in body:
        boundary = custom_area_boundary(body["custom_area"], viewer)
        return Area("custom_area", boundary=boundary)
    geometry = body.get("geometry") if "geometry" in body else body
    return Area("polygon", polygon=parse_polygon(geometry, name="geometry"))


def chosen_layers(body: Any) -> list[Layer]:
    names = body.get("collections") if isinstance(body, dict) else None
    if names is None:
        # A statistic per area is not something lying in the area.
        return [layer for layer in LAYERS.values() if layer.shaped is None]
    if not isinstance(names, list) or not names:
        raise ValidationError("'collections' must be a non-empty list of names.")
    unknown = [str(n)[:40] for n in names if not isinstance(n, str) or n not in LAYERS]
    if unknown:
        raise ValidationError(
            f"Unknown collections {', '.join(unknown)}; use any of: "
            f"{', '.join(LAYERS)}."
        )
    return [LAYERS[name] for name in names]


def breakdown_rows(layer: Layer, rows: QuerySet) -> QuerySet:
    assert layer.breakdown
    return (
        rows.order_by()
        .values_list(layer.breakdown)
        .annotate(n=Count("pk"))
        .order_by(layer.breakdown)
    )


def breakdown(layer: Layer, rows: QuerySet) -> dict[str, int]:
    return {str(value): n for value, n in breakdown_rows(layer, rows)}


def features_text(pages: Iterable[str]) -> str:
    """JSON arrays (text) of features joined into one FeatureCollection."""
    members = [page.strip()[1:-1] for page in pages if page.strip() != "[]"]
    return '{"type": "FeatureCollection", "features": [' + ", ".join(members) + "]}"


def run_query(area: Area, layers: list[Layer], viewer: Viewer) -> tuple[dict, str]:
    """Counts per collection (and per status or kind), and the features as
    a FeatureCollection text, each tagged with its ``collection``."""
    counts: dict[str, Any] = {}
    pages = []
    truncated = []
    for layer in layers:
        rows = area.rows(layer, viewer)
        page = feature_page(
            rows.order_by(*layer.ordering).annotate(
                collection=Value(layer.name, output_field=CharField())
            ),
            geometry=layer.geometry,
            properties=("collection", *layer.properties),
            id_field=layer.id_field,
            offset=0,
            limit=MAX_LIMIT,
        )
        matched = cast(int, page.matched)  # counted unless count=False
        entry: dict[str, Any] = {"count": matched}
        if layer.breakdown and matched:
            entry[f"by_{layer.breakdown}"] = breakdown(layer, rows)
        elif layer.breakdown:
            entry[f"by_{layer.breakdown}"] = {}
        counts[layer.name] = entry
        if matched > page.returned:
            truncated.append(layer.name)
        pages.append(page.features)
    summary = {
        "area": {"type": area.kind},
        "counts": counts,
        "truncated": truncated,
    }
    return summary, features_text(pages)


def csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """CSRF is checked for callers signed in by session cookie, whose
    browser a cross-site page could make send the request; token and
    anonymous callers carry no ambient credentials (as DRF's
    SessionAuthentication.enforce_csrf)."""
    if not request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return None
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda _request: HttpResponse(), (), {})


@csrf_exempt  # checked in the view, for session callers only
@require_POST
@rate_limited(PolygonQueryThrottle)
@bad_input_is_400
def polygon_query(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("format", "json")
    if wanted not in ("json", *FORMATS):
        raise ValidationError(
            f"format={wanted[:20]!r} is not offered; use json, {', '.join(FORMATS)}."
        )
    if (refusal := csrf_refusal(request)) is not None:
        return refusal
    if wanted != "json" and not (throttle := PolygonExportThrottle()).allow_request(
        request, None
    ):
        return too_many_requests(request, throttle.wait())
    body = read_body(request)
    viewer = viewer_of(request)
    area = parse_area(body, viewer)
    summary, features = run_query(area, chosen_layers(body), viewer)
    if wanted != "json":
        return download(features, wanted)
    text = json.dumps(summary)[:-1] + f', "features": {features}}}'
    return HttpResponse(text, content_type="application/json")
