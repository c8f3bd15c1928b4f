"""Vector tiles and TileJSON for every layer.

A public layer's TileJSON names tile URLs carrying its data version
(``.../{z}/{x}/{y}.pbf?v=<version>``, maps.layers.Layer.data_version).
A tile asked for with the current version is kept by any cache for ever;
one asked for with another version is redirected (302, never cached) to
the current version's URL, so a page loaded before a change still draws
the new data, and nothing old is ever stored under a new version. A tile
asked for without a version keeps the short ``PUBLIC_MAX_AGE``, and one
whose content depends on who asks is never kept by a shared cache.
"""

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from geo import cells
from geo.params import MAX_TILE_ZOOM, Tile, parse_tile
from geo.tiles import CELLS, MAX_FEATURES, CompiledTile, render_tile
from maps.layers import Layer, apply_filters, get_layer
from maps.ogc import extent, parse_int
from web.errors import bad_input_is_400
from web.lean import lean
from web.versions import version_key, version_sql
from web.viewer import viewer_of

MVT = "application/vnd.mapbox-vector-tile"
# Shared caches may keep a public tile briefly; data changes show within it.
PUBLIC_MAX_AGE = 300
# A tile of a version never changes: a year, the most RFC 9111 advises.
IMMUTABLE = "public, max-age=31536000, immutable"
VERSION = "v"
ATTRIBUTION = "City of Helsinki, Helsinki Region Infoshare, CC BY 4.0"


def aggregates(layer: Layer) -> bool:
    """Point layers (a stored Web Mercator location) can be counted per
    grid cell; areas are drawn as they are at every zoom."""
    return layer.web_geometry is not None


def breakdown_values(layer: Layer) -> tuple[str, ...]:
    """The values an aggregated tile counts separately: the choices of the
    layer's breakdown field (status, kind)."""
    if not layer.breakdown:
        return ()
    model = layer.rows(AnonymousUser()).model
    return tuple(
        str(value) for value, _ in model._meta.get_field(layer.breakdown).choices
    )


def count_fields(layer: Layer) -> dict[str, str]:
    """An aggregated tile's properties and their types, as TileJSON lists
    them."""
    names = ["count", *(f"count_{value}" for value in breakdown_values(layer))]
    return dict.fromkeys(names, "Number")


def parse_aggregate(raw: str | None, layer: Layer, zoom: int) -> bool:
    """``?aggregate=true|false``: counts per cell or the points themselves.
    Point layers default to counts below settings.TILE_AGGREGATE_BELOW_ZOOM;
    points at a low zoom keep the per-tile cap (``limit``)."""
    if raw is None:
        return aggregates(layer) and zoom < settings.TILE_AGGREGATE_BELOW_ZOOM
    if raw not in ("true", "false"):
        raise ValidationError(
            f"Parameter 'aggregate' must be true or false, got {raw[:20]!r}."
        )
    if raw == "true" and not aggregates(layer):
        raise ValidationError(
            f"{layer.name} is not a point layer: its tiles cannot be aggregated."
        )
    return raw == "true"


def aggregate_options(layer: Layer) -> dict[str, Any]:
    return {
        "aggregate": True,
        "layer": layer.name,
        "geometry": layer.geometry,
        "web_geometry": layer.web_geometry,
        "breakdown": layer.breakdown,
        "values": breakdown_values(layer),
    }


def tile_options(layer: Layer, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {
        "layer": layer.name,
        "geometry": layer.geometry,
        "web_geometry": layer.web_geometry,
        "fields": layer.tile_fields if fields is None else fields,
    }


def parse_properties(raw: str | None, layer: Layer) -> tuple[str, ...] | None:
    """``?properties=id,status``: only these of the layer's tile fields (as
    TiPg's tiles take it). The residents' map asks for the id alone: its
    popups fetch the rest, and titles were most of a tile's bytes."""
    if raw is None:
        return None
    names = tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name))
    unknown = [name for name in names if name not in layer.tile_fields]
    if unknown or not names:
        raise ValidationError(
            f"Parameter 'properties' must name some of {', '.join(layer.tile_fields)}"
            f" for {layer.name}; got {raw[:80]!r}."
        )
    return names


# One compiled statement per public layer, field set and feature cap, per
# process (its rows are the same for every viewer); a bounded number, as
# ?properties= and ?limit= come from clients.
@functools.lru_cache(maxsize=256)
def _compiled(name: str, fields: tuple[str, ...] | None, limit: int) -> CompiledTile:
    layer = get_layer(name)
    rows = layer.rows(AnonymousUser())
    return CompiledTile(rows, max_features=limit, **tile_options(layer, fields))


def compiled(
    layer: Layer, fields: tuple[str, ...] | None = None, limit: int = MAX_FEATURES
) -> CompiledTile:
    return _compiled(layer.name, fields, limit)


@functools.cache
def _compiled_counts(name: str) -> CompiledTile:
    layer = get_layer(name)
    return CompiledTile(layer.rows(AnonymousUser()), **aggregate_options(layer))


def compiled_counts(layer: Layer) -> CompiledTile:
    """The aggregated tile's statement of a public layer, once per process."""
    return _compiled_counts(layer.name)


@functools.cache
def _cell_counts(name: str) -> cells.CellCounts:
    layer = get_layer(name)
    options = aggregate_options(layer)
    del options["aggregate"], options["geometry"]
    return cells.CellCounts(layer.rows(AnonymousUser()), **options)


def counts_tile(layer: Layer, tile: Tile, version: str | None) -> bytes:
    """A public layer's aggregated tile: summed from its summary of counts
    per fine cell (geo.cells) when it has a data version to key that by and
    the tile is coarse enough, else counted from the rows."""
    if version is None or not cells.covers(tile):
        return compiled_counts(layer).render(tile)
    return _cell_counts(layer.name).render(tile, version)


def public_points(
    layer: Layer,
    tile: Tile,
    fields: tuple[str, ...] | None,
    limit: int,
    *,
    versioned: bool,
) -> tuple[bytes, str | None]:
    """A public layer's point tile from its compiled statement, and, when
    ``versioned``, the layer's data version read in that same statement:
    one round trip, and the tile is exactly that version's."""
    statement = compiled(layer, fields, limit)
    tables = layer.version_tables() if versioned else None
    if tables is None:
        return statement.render(tile), None
    found, data = statement.render_beside(tile, *version_sql(tables))
    return data, version_key(tables, found)


def rows_tile(
    request: HttpRequest,
    layer: Layer,
    tile: Tile,
    *,
    shared: bool,
    aggregate: bool,
    fields: tuple[str, ...] | None,
    limit: int,
    version: str | None,
) -> bytes:
    """Every tile but a public layer's unfiltered points: counts per cell,
    or the rows a filter or the viewer picks."""
    if shared:
        return counts_tile(layer, tile, version or layer.data_version())
    # The same filters as the items (?status=, ?kind=, ?round=, ?area=),
    # so a filtered map asks for filtered tiles instead of hiding features.
    viewer = viewer_of(request)
    rows = apply_filters(
        layer, layer.rows_for(viewer, request.GET), request.GET, viewer
    )
    if aggregate:
        return render_tile(rows, tile=tile, **aggregate_options(layer))
    return render_tile(
        rows, tile=tile, max_features=limit, **tile_options(layer, fields)
    )


def cache_headers(
    response: HttpResponse, *, personal: bool, immutable: bool = False
) -> HttpResponse:
    """``personal``: what the response holds depends on who asks (a layer
    with private rows, or a ``custom_area`` filter that only some may use),
    so no shared cache may keep it, and a browser asks again. ``immutable``:
    it is a public layer's tile of the current data version."""
    # A tile or TileJSON is the same in every language: no Vary on it
    # (web.middleware.LanguageIndependentMiddleware).
    response.language_independent = True  # type: ignore[attr-defined]
    if personal:
        response["Cache-Control"] = "private, no-cache"
        # The viewer comes from the session cookie or a token (web.viewer).
        patch_vary_headers(response, ["Cookie", "Authorization"])
    elif immutable:
        response["Cache-Control"] = IMMUTABLE
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


@lean
@require_safe
@bad_input_is_400
def layer_tile(
    request: HttpRequest, collection: str, z: str, x: str, y: str
) -> HttpResponse:
    layer = get_layer(collection)
    tile = parse_tile(z, x, y)
    shared = layer.same_for_everyone(request.GET)
    # ?limit= lowers the per-tile cap: the residents' map asks for fewer
    # points per tile than a GIS client, so a city-wide view stays light.
    limit = parse_int(
        request.GET.get("limit", str(MAX_FEATURES)), "limit", low=1, high=MAX_FEATURES
    )
    fields = parse_properties(request.GET.get("properties"), layer)
    # Counts per cell take no cap and no choice of properties: every item
    # in the tile is counted, and a cell has its counts only.
    aggregate = parse_aggregate(request.GET.get("aggregate"), layer, tile.z)
    personal = not layer.public or bool(request.GET.get("custom_area"))
    asked = None if personal else request.GET.get(VERSION)
    data: bytes | None = None
    if shared and not aggregate:
        # The same for everyone: who asks is not even looked up.
        data, version = public_points(
            layer, tile, fields, limit, versioned=asked is not None
        )
    else:
        # Read before the rows, so the tile is at least this new.
        version = layer.data_version() if asked is not None else None
    if version is not None and asked != version:
        return to_version(request, version)
    if data is None:
        data = rows_tile(
            request,
            layer,
            tile,
            shared=shared,
            aggregate=aggregate,
            fields=fields,
            limit=limit,
            version=version,
        )
    if not data:
        return cache_headers(HttpResponse(status=204), personal=personal)
    etag = f'"{hashlib.blake2b(data, digest_size=16).hexdigest()}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=MVT)
    response["ETag"] = etag
    return cache_headers(response, personal=personal, immutable=version is not None)


def to_version(request: HttpRequest, version: str) -> HttpResponse:
    """The same tile at the current data version: read before the tile's
    rows, so the tile served there is at least that new."""
    query = request.GET.copy()
    query[VERSION] = version
    response = HttpResponseRedirect(f"{request.path}?{query.urlencode(safe=',')}")
    # The current version moves on: a cached redirect would lead to a tile
    # kept for ever under a version that is no longer current.
    response["Cache-Control"] = "no-cache"
    response.language_independent = True  # type: ignore[attr-defined]
    return response


def versioned(template: str, version: str | None) -> str:
    """A tile URL template carrying ``version``, when the layer has one."""
    if version is None:
        return template
    return f"{template}?{VERSION}={version}"


@lean
@require_safe
@bad_input_is_400
def layer_tilejson(request: HttpRequest, collection: str) -> HttpResponse:
    layer = get_layer(collection)
    # Braces would be percent-encoded by reverse() and build_absolute_uri().
    prefix = reverse("maps:layer-tile", args=[layer.name, 0, 0, 0]).removesuffix(
        "/0/0/0.pbf"
    )
    template = versioned(
        request.build_absolute_uri(prefix) + "/{z}/{x}/{y}.pbf", layer.data_version()
    )
    rows = layer.rows(viewer_of(request))
    bounds = extent(layer, rows).get("spatial", {}).get("bbox")
    west, south, east, north = bounds[0] if bounds else (24.78, 59.92, 25.27, 60.30)
    fields: dict[str, str] = {name: "String" for name in layer.tile_fields}
    description = layer.description
    if aggregates(layer):
        below = settings.TILE_AGGREGATE_BELOW_ZOOM
        fields |= count_fields(layer)
        description += (
            f" Below zoom {below} a tile holds one point per cell of an "
            f"{CELLS}x{CELLS} grid, at the cell's centre, "
            "with count (every item in the cell) and count_<value> per "
            f"{layer.breakdown}; from zoom {below} the items themselves, at "
            f"most {MAX_FEATURES} per tile. ?aggregate=false asks for the "
            "items at any zoom."
        )
    document = {
        "tilejson": "3.0.0",
        "name": layer.name,
        "description": description,
        "attribution": ATTRIBUTION,
        "tiles": [template],
        "minzoom": 0,
        "maxzoom": MAX_TILE_ZOOM,
        "bounds": [west, south, east, north],
        "center": [round((west + east) / 2, 6), round((south + north) / 2, 6), 11],
        "vector_layers": [
            {
                "id": layer.name,
                "description": layer.title,
                "fields": fields,
            }
        ],
    }
    return cache_headers(JsonResponse(document), personal=not layer.public)
