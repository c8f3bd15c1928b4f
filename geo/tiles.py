"""Mapbox Vector Tiles rendered by one ST_AsMVT around an ORM queryset.

Modeled on django-vectortiles' ``VectorLayer.get_tile``: the queryset is
filtered by the tile envelope, annotated with ``ST_AsMVTGeom`` and wrapped
in one statement. Identifiers in the SQL around it come from code, never
from requests; every value is a bound parameter.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, QuerySet, Value
from psycopg import Cursor as ServerBindingCursor

from geo import srid
from geo.params import Tile

EXTENT = 4096
BUFFER = 64
# tipg's max_features_per_tile: a tile is a picture, not a download.
MAX_FEATURES = 10_000


class TileEnvelope(Func):
    """The tile's square in Web Mercator, widened by ``margin`` of its side."""

    function = "ST_TileEnvelope"
    output_field = GeometryField(srid=srid.WEB_MERCATOR)

    def __init__(self, tile: Tile, *, margin: float = 0.0) -> None:
        super().__init__(*(Value(v) for v in tile))
        # Positionally the fourth argument is the bounds, not the margin.
        self.template = f"%(function)s(%(expressions)s, margin => {float(margin)})"


class AsMVTGeom(Func):
    function = "ST_AsMVTGeom"
    output_field = GeometryField(srid=0)
    template = f"%(function)s(%(expressions)s, {EXTENT}, {BUFFER}, true)"


def tile_sql(
    queryset: QuerySet,
    *,
    tile: Tile,
    layer: str,
    geometry: str,
    fields: Sequence[str],
    max_features: int = MAX_FEATURES,
    web_geometry: str | None = None,
) -> tuple[str, tuple]:
    """The one statement rendering ``queryset``'s rows in ``tile`` as an MVT
    layer named ``layer``.

    The envelope (plus the buffer the geometries are clipped to) is
    transformed to the storage CRS, never the column, so the spatial index
    finds the rows. ``web_geometry`` names a stored Web Mercator copy of
    ``geometry`` (geo.models.Located.location_web) to draw from; without
    one, each row's geometry is transformed.
    """
    envelope = TileEnvelope(tile, margin=BUFFER / EXTENT)
    rows = (
        # A tile has no order; the model's default ordering would only sort.
        queryset.order_by()
        .filter(**{f"{geometry}__intersects": Transform(envelope, srid.STORAGE)})
        .annotate(
            _mvt_geom=AsMVTGeom(
                F(web_geometry)
                if web_geometry
                else Transform(geometry, srid.WEB_MERCATOR),
                TileEnvelope(tile),
            )
        )
        .values(*fields, "_mvt_geom")[:max_features]
    )
    sql, params = rows.query.sql_with_params()
    wrapped = f"SELECT ST_AsMVT(t, %s, {EXTENT}, '_mvt_geom') FROM ({sql}) AS t"
    return wrapped, (layer, *params)


def _execute(db: str, sql: str, params: Sequence[Any]) -> bytes:
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        (tile_bytes,) = cursor.fetchone()
    return bytes(tile_bytes or b"")


def render_tile(queryset: QuerySet, **tile_options: Any) -> bytes:
    """The tile as bytes (see ``tile_sql``); empty when no row lies in it,
    or when the queryset is one Django knows matches nothing (it then has
    no SQL: ``EmptyResultSet``)."""
    try:
        sql, params = tile_sql(queryset, **tile_options)
    except EmptyResultSet:
        return b""
    return _execute(queryset.db, sql, params)


# Tile coordinates no real tile has: compiled in, then swapped per tile.
_SENTINEL = Tile(1_000_000_007, 1_000_000_009, 1_000_000_021)


class CompiledTile:
    """``tile_sql`` for a queryset that is the same for every tile (a layer
    everyone sees alike): the ORM compiles it once, a tile only swaps in its
    z/x/y. Saves the per-request query compilation on the hottest path."""

    def __init__(self, queryset: QuerySet, **tile_options: Any) -> None:
        self.db = queryset.db
        self.sql, params = tile_sql(queryset, tile=_SENTINEL, **tile_options)
        self.params = list(params)
        self.slots = [
            (i, _SENTINEL.index(p))
            for i, p in enumerate(self.params)
            if isinstance(p, int) and p in _SENTINEL
        ]

    def render(self, tile: Tile) -> bytes:
        params = list(self.params)
        for position, axis in self.slots:
            params[position] = tile[axis]
        return _execute_bound(self.db, self.sql, params)


def _execute_bound(db: str, sql: str, params: Sequence[Any]) -> bytes:
    """``_execute`` with the parameters bound by the server (psycopg's
    Cursor, not the ClientCursor Django uses by default): PostgreSQL then
    prepares the statement once a connection has run it
    ``prepare_threshold`` times (DATABASES OPTIONS; None never prepares),
    and the client no longer quotes the values into the SQL text."""
    connection = connections[db]
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw: Any = ServerBindingCursor(connection.connection)
    # As Django wraps its own cursors: errors, query logging, wrappers.
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        cursor.execute(sql, params)
        (tile_bytes,) = cursor.fetchone()
    return bytes(tile_bytes or b"")
