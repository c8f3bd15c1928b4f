"""OGC API - Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 3 CQL2-text
spatial filters) over the layer registry, as plain Django views.

Feature JSON is rendered in PostGIS (geo.geojson); these views add the
links and counts around it.
"""

import functools
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models import Extent, GeometryField
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, Field, Func, Max, Min, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from geo import srid
from geo.cql2 import cql2_filter
from geo.geojson import CompiledPage, FeaturePage, feature_page, features_json
from geo.params import parse_bbox, parse_bounds
from maps.layers import LAYERS, Layer, Viewer, apply_filters, get_layer
from web.errors import bad_input_is_400
from web.lean import lean
from web.pagination import MAX_OFFSET
from web.params import whole_number
from web.versions import version_key, version_sql
from web.viewer import viewer_of

GEOJSON = "application/geo+json"
JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    # S_INTERSECTS (and S_WITHIN) on the feature geometry. Neither the full
    # spatial function set nor basic-cql2 is claimed: a comparison is always
    # <queryable> <op> <literal> (geo.cql2).
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
]
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def url(request: HttpRequest, name: str, *args: Any, query: dict | None = None) -> str:
    path = reverse(f"maps:{name}", args=args)
    if query:
        params = QueryDict(mutable=True)
        params.update(query)
        path += "?" + params.urlencode(safe=",:/")
    return request.build_absolute_uri(path)


def link(href: str, rel: str, type_: str = JSON, title: str = "") -> dict[str, str]:
    return {
        "href": href,
        "rel": rel,
        "type": type_,
        **({"title": title} if title else {}),
    }


def check_format(request: HttpRequest) -> None:
    wanted = request.GET.get("f", "json")
    if wanted not in ("json", "geojson"):
        raise ValidationError(f"Format f={wanted[:20]!r} is not offered; use f=json.")


def json_response(request: HttpRequest, body: Any, content_type: str = JSON) -> Any:
    check_format(request)
    return JsonResponse(body, content_type=content_type)


@require_safe
@bad_input_is_400
def landing(request: HttpRequest) -> HttpResponse:
    return json_response(
        request,
        {
            "title": "Piiri: Helsinki's areas and what happens in them",
            "description": (
                "Official districts, custom areas, cases, facilities, forums "
                "and budget proposals. Data: City of Helsinki, Helsinki Region "
                "Infoshare, CC BY 4.0."
            ),
            "links": [
                link(url(request, "ogc-landing"), "self", title="This document"),
                link(url(request, "ogc-openapi"), "service-desc", OPENAPI, "The API"),
                link(url(request, "ogc-conformance"), "conformance"),
                link(url(request, "ogc-collections"), "data", title="Collections"),
            ],
        },
    )


@require_safe
@bad_input_is_400
def conformance(request: HttpRequest) -> HttpResponse:
    return json_response(request, {"conformsTo": CONFORMANCE})


class CRS84Box(Func):
    """The extent of an aggregate box in the storage CRS as a CRS84 polygon;
    its edges are densified so the lon/lat box still holds every row."""

    template = (
        f"ST_Transform(ST_Segmentize(ST_SetSRID(%(expressions)s::geometry, "
        f"{srid.STORAGE}), 100), {srid.GEOJSON})"
    )
    output_field = GeometryField(srid=srid.GEOJSON)


def extent(layer: Layer, rows: QuerySet) -> dict[str, Any]:
    aggregates: dict[str, Any] = {"box": CRS84Box(Extent(layer.geometry))}
    if layer.temporal:
        aggregates["start"] = Min(layer.temporal)
        aggregates["end"] = Max(layer.temporal)
    found = rows.order_by().aggregate(**aggregates)
    result: dict[str, Any] = {}
    if found["box"] is not None:
        bbox = [round(v, 6) for v in found["box"].extent]
        result["spatial"] = {"bbox": [bbox], "crs": CRS84}
    if found.get("start") is not None:
        result["temporal"] = {
            "interval": [[found["start"].isoformat(), found["end"].isoformat()]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return result


def collection_doc(
    request: HttpRequest, layer: Layer, viewer: Viewer
) -> dict[str, Any]:
    items = url(request, "ogc-items", layer.name)
    return {
        "id": layer.name,
        "title": layer.title,
        "description": layer.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent(layer, layer.rows(viewer)),
        "links": [
            link(url(request, "ogc-collection", layer.name), "self"),
            link(items, "items", GEOJSON, f"{layer.title} as GeoJSON"),
            link(
                url(request, "ogc-queryables", layer.name),
                QUERYABLES_REL,
                "application/schema+json",
            ),
            link(
                url(request, "layer-tilejson", layer.name),
                "alternate",
                JSON,
                "Vector tiles (TileJSON)",
            ),
        ],
    }


@require_safe
@bad_input_is_400
def collections(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    return json_response(
        request,
        {
            "links": [link(url(request, "ogc-collections"), "self")],
            "collections": [
                collection_doc(request, layer, viewer) for layer in LAYERS.values()
            ],
        },
    )


@require_safe
@bad_input_is_400
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = get_layer(collection_id)
    return json_response(request, collection_doc(request, layer, viewer_of(request)))


@require_safe
@bad_input_is_400
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = get_layer(collection_id)
    properties: dict[str, Any] = {
        "geometry": {"$ref": "https://geojson.org/schema/Geometry.json"},
    }
    for name in layer.properties:
        properties[name] = {"title": name}
    return json_response(
        request,
        {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": url(request, "ogc-queryables", layer.name),
            "type": "object",
            "title": layer.title,
            "properties": properties,
        },
        "application/schema+json",
    )


def parse_int(raw: str, name: str, *, low: int, high: int | None = None) -> int:
    return whole_number(
        raw, name=name, low=low, high=MAX_OFFSET if high is None else high
    )


def parse_instant(raw: str) -> datetime | None:
    if raw in ("..", ""):
        return None
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)):
            value = datetime(day.year, day.month, day.day, tzinfo=UTC)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError(
            f"Parameter 'datetime' has {raw[:40]!r}, which is not an RFC 3339 "
            "date-time, a date or '..'."
        )
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        # The database compares in UTC; an offset can push the last years
        # of the calendar past what PostgreSQL and Python can represent.
        value.astimezone(UTC)
    except OverflowError:
        raise ValidationError(
            f"Parameter 'datetime' has {raw[:40]!r}, which is out of range."
        ) from None
    if not 1 < value.year < 9999:
        raise ValidationError(
            f"Parameter 'datetime' has {raw[:40]!r}; years 2 to 9998 are supported."
        )
    return value


def in_time(layer: Layer, rows: QuerySet, raw: str) -> QuerySet:
    start_raw, sep, end_raw = raw.partition("/")
    start = parse_instant(start_raw)
    end = parse_instant(end_raw) if sep else start
    if not layer.temporal:
        return rows
    if not isinstance(rows.model._meta.get_field(layer.temporal), DateTimeField):
        start = start and start.date()  # type: ignore[assignment]
        end = end and end.date()  # type: ignore[assignment]
    if start:
        rows = rows.filter(**{f"{layer.temporal}__gte": start})
    if end:
        rows = rows.filter(**{f"{layer.temporal}__lte": end})
    return rows


def queryable_fields(layer: Layer, rows: QuerySet) -> dict[str, Field]:
    """Each queryable of ``layer`` and the field that types it: a column of
    the model or an annotation of the layer's rows."""
    annotations = rows.query.annotations
    return {
        name: annotations[name].output_field
        if name in annotations
        else rows.model._meta.get_field(name)
        for name in layer.properties
    }


def matching(layer: Layer, rows: QuerySet, text: str) -> QuerySet:
    """Rows satisfying a CQL2-text filter."""
    return rows.filter(
        cql2_filter(
            text,
            geometry=layer.geometry,
            queryables=queryable_fields(layer, rows),
            collection=layer.name,
        )
    )


def check_bbox_crs(params: QueryDict) -> None:
    if params.get("bbox-crs", CRS84) not in (CRS84, "EPSG:4326"):
        raise ValidationError("Only bbox-crs CRS84 is supported.")


def selected_rows(layer: Layer, params: QueryDict, viewer: Viewer) -> QuerySet:
    """A layer's rows narrowed by every item parameter of the request."""
    rows = layer.feature_rows(viewer, params)
    check_bbox_crs(params)
    if bbox := params.get("bbox"):
        rows = rows.filter(**{f"{layer.geometry}__intersects": parse_bbox(bbox)})
    if moment := params.get("datetime"):
        rows = in_time(layer, rows, moment)
    rows = apply_filters(layer, rows, params, viewer)
    if text := params.get("filter"):
        language = params.get("filter-lang", "cql2-text")
        if language != "cql2-text":
            raise ValidationError(
                f"filter-lang {language[:20]!r} is not supported; use cql2-text."
            )
        if params.get("filter-crs", CRS84) not in (CRS84, "EPSG:4326"):
            raise ValidationError("Only filter-crs CRS84 is supported.")
        rows = matching(layer, rows, text)
    return rows


# Item parameters that page through rows or shape the answer, not pick rows.
NOT_FILTERS = frozenset({"limit", "offset", "f", "count"})
# Item parameters that pick rows besides the bbox and the layers' filters.
ITEM_FILTERS = ("datetime", "filter")


def compiled_rows(layer: Layer, params: QueryDict) -> bool:
    """Whether the page asked for is of rows the same for everyone, in a
    bbox or not: its statement is then compiled once (``compiled_page``)."""
    return layer.same_for_everyone(params) and not any(
        params.get(name) for name in ITEM_FILTERS
    )


# Per process, a layer's page in a bbox or not: the rows are the same for
# every viewer, so only the numbers change per request. Keyed by the
# properties too, so a layer given others is compiled anew.
@functools.cache
def _compiled_page(name: str, properties: tuple[str, ...], bbox: bool) -> CompiledPage:
    layer = get_layer(name)
    return CompiledPage(
        layer.feature_rows(AnonymousUser()),
        geometry=layer.geometry,
        properties=properties,
        id_field=layer.id_field,
        bbox=bbox,
    )


def compiled_page(layer: Layer, *, bbox: bool) -> CompiledPage:
    return _compiled_page(layer.name, layer.properties, bbox)


def parse_count(params: QueryDict) -> bool:
    """``?count=false``: no numberMatched (OGC API Features lets a server
    leave it out); counting a large match costs more than the page."""
    raw = params.get("count", "true")
    if raw not in ("true", "false"):
        raise ValidationError(
            f"Parameter 'count' must be true or false, got {raw[:20]!r}."
        )
    return raw == "true"


def count_key(
    layer: Layer, params: QueryDict, version: str | None = None
) -> str | None:
    """The cache key of the number of rows these parameters match, by the
    layer's data version (read unless given); None when the count may not
    be kept (the layer has no version, or a ``custom_area`` filter depends
    on who asks)."""
    if params.get("custom_area"):
        return None
    if (version := version or layer.data_version()) is None:
        return None
    query = sorted(
        (name, value)
        for name, values in params.lists()
        if name not in NOT_FILTERS
        for value in values
    )
    text = json.dumps([layer.name, version, query])
    return "matched:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def compiled_answer(
    layer: Layer, params: QueryDict, *, offset: int, limit: int, counting: bool
) -> tuple[FeaturePage, int | None]:
    """A page of rows the same for everyone, and (when ``counting``) how
    many match: the data version is read in the page's own statement, and
    the count kept under it is used, or counted after it (so at least that
    new)."""
    # The same checks and messages as selected_rows.
    check_bbox_crs(params)
    bounds = parse_bounds(raw) if (raw := params.get("bbox")) else None
    statement = compiled_page(layer, bbox=bounds is not None)
    tables = layer.version_tables() if counting else None
    if tables is None:
        page = statement.page(offset=offset, limit=limit, bbox=bounds)
        return page, statement.count(bbox=bounds) if counting else None
    found, page = statement.page_beside(
        *version_sql(tables), offset=offset, limit=limit, bbox=bounds
    )
    key = count_key(layer, params, version_key(tables, found))
    counts = caches["counts"]
    matched = counts.get(key) if key else None
    if matched is None:
        matched = statement.count(bbox=bounds)
        if key:
            counts.set(key, matched)
    return page, matched


def orm_answer(
    request: HttpRequest,
    layer: Layer,
    params: QueryDict,
    *,
    offset: int,
    limit: int,
    counting: bool,
) -> tuple[FeaturePage, int | None]:
    """A page of the rows the request's filters and viewer pick, and (when
    ``counting``) how many match: kept by data version, or counted in the
    page's statement."""
    rows = selected_rows(layer, params, viewer_of(request))
    # Read the version before the rows, so a count is at least that new.
    key = count_key(layer, params) if counting else None
    counts = caches["counts"]
    known = counts.get(key) if key else None
    page = feature_page(
        rows,
        geometry=layer.geometry,
        properties=layer.properties,
        id_field=layer.id_field,
        offset=offset,
        limit=limit,
        count=counting and known is None,
    )
    matched = known if known is not None else page.matched
    if key and known is None:
        counts.set(key, matched)
    return page, matched


@lean
@require_safe
@bad_input_is_400
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = get_layer(collection_id)
    check_format(request)
    params = request.GET
    limit = parse_int(
        params.get("limit", str(DEFAULT_LIMIT)), "limit", low=1, high=MAX_LIMIT
    )
    # PostgreSQL's OFFSET is a bigint: a larger number is bad input, not a 500.
    offset = parse_int(params.get("offset", "0"), "offset", low=0, high=2**63 - 1)
    counting = parse_count(params)
    if compiled_rows(layer, params):
        page, matched = compiled_answer(
            layer, params, offset=offset, limit=limit, counting=counting
        )
    else:
        page, matched = orm_answer(
            request, layer, params, offset=offset, limit=limit, counting=counting
        )
    query = params.dict()
    links = [
        link(url(request, "ogc-items", layer.name, query=query), "self", GEOJSON),
        link(url(request, "ogc-collection", layer.name), "collection"),
    ]
    if matched is None:
        more = page.returned == limit
    else:
        more = offset + page.returned < matched
    if more:
        after = {**query, "offset": str(offset + limit), "limit": str(limit)}
        links.append(
            link(url(request, "ogc-items", layer.name, query=after), "next", GEOJSON)
        )
    if offset > 0:
        before = {**query, "offset": str(max(0, offset - limit)), "limit": str(limit)}
        links.append(
            link(url(request, "ogc-items", layer.name, query=before), "prev", GEOJSON)
        )
    members = json.dumps(
        {
            "timeStamp": datetime.now(UTC).isoformat(timespec="seconds"),
            **({} if matched is None else {"numberMatched": matched}),
            "numberReturned": page.returned,
            "links": links,
        }
    )[1:-1]
    body = f'{{"type": "FeatureCollection", {members}, "features": {page.features}}}'
    return HttpResponse(body, content_type=GEOJSON)


@lean
@require_safe
@bad_input_is_400
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    layer = get_layer(collection_id)
    check_format(request)
    found = json.loads(
        features_json(
            layer.get_feature(viewer_of(request), feature_id, request.GET),
            geometry=layer.geometry,
            properties=layer.properties,
            id_field=layer.id_field,
        )
    )
    if not found:
        raise Http404(f"No feature {feature_id[:40]!r} in {layer.name}.")
    feature = found[0]
    feature["links"] = [
        link(url(request, "ogc-item", layer.name, feature_id), "self", GEOJSON),
        link(url(request, "ogc-collection", layer.name), "collection"),
    ]
    return JsonResponse(feature, content_type=GEOJSON)
