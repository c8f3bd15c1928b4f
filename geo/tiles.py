"""Mapbox Vector Tiles rendered by one ST_AsMVT around an ORM queryset.

Modeled on django-vectortiles' ``VectorLayer.get_tile``: the queryset is
filtered by the tile envelope, annotated with ``ST_AsMVTGeom`` and wrapped
in one statement. Identifiers in the SQL around it come from code, never
from requests; every value is a bound parameter.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import F, Field, Func, QuerySet, Value
from psycopg import Cursor as ServerBindingCursor

from geo import srid
from geo.params import Tile

EXTENT = 4096
BUFFER = 64
# tipg's max_features_per_tile: a tile is a picture, not a download.
MAX_FEATURES = 10_000


class TileEnvelope(Func):
    """The tile's square in Web Mercator, widened by ``margin`` of its side,
    or in the CRS ``to_srid`` when given.

    A scalar subquery, so PostgreSQL computes it once per statement (an
    InitPlan). Written inline, a prepared statement's generic plan (the
    tile's z/x/y as parameters, not constants) computes the envelope and
    its transformation again for every row: 2.5 times the time of a z14
    tile at 1,000,000 cases.
    """

    function = "ST_TileEnvelope"

    def __init__(
        self, tile: Tile, *, margin: float = 0.0, to_srid: int | None = None
    ) -> None:
        super().__init__(
            *(Value(v) for v in tile),
            output_field=GeometryField(srid=to_srid or srid.WEB_MERCATOR),
        )
        # Positionally the fourth argument is the bounds, not the margin.
        envelope = f"%(function)s(%(expressions)s, margin => {float(margin)})"
        if to_srid is not None:
            envelope = f"ST_Transform({envelope}, {int(to_srid)})"
        self.template = f"(SELECT {envelope})"


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
    envelope = TileEnvelope(tile, margin=BUFFER / EXTENT, to_srid=srid.STORAGE)
    rows = (
        # A tile has no order; the model's default ordering would only sort.
        queryset.order_by()
        .filter(**{f"{geometry}__intersects": envelope})
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


# Cells per side of an aggregated tile: 32 px cells on Leaflet's 256 px
# tiles, room for a circle labelled with its count.
CELLS = 8
# Below this zoom a tile is wider than the storage CRS draws straight edges
# faithfully (ETRS-TM35FIN, a transverse Mercator), so its envelope selects
# nothing reliably: such tiles read every row, which they hold anyway.
PREFILTER_MIN_ZOOM = 8
# The prefilter's envelope is widened by this much of a tile's side: more
# than a z8 tile's edges bend between Web Mercator and the storage CRS.
PREFILTER_MARGIN = 1 / 16


class BoundingBox(Func):
    """The geometry's box: read from a point's coordinates without
    decoding the geometry."""

    template = "%(expressions)s::box2d"
    output_field = Field()


def aggregate_tile_sql(
    queryset: QuerySet,
    *,
    tile: Tile,
    layer: str,
    geometry: str,
    web_geometry: str,
    breakdown: str | None = None,
    values: Sequence[str] = (),
) -> tuple[str, tuple]:
    """The one statement rendering ``queryset``'s points in ``tile`` as a
    ``CELLS`` x ``CELLS`` grid of counts: a point feature per non-empty
    cell, at its centre (a regular grid whose circles never overlap), with
    ``count`` and, per value of ``breakdown``, ``count_<value>``.

    Every point whose Web Mercator position lies in the tile is counted
    once, none in two tiles: the envelope is half-open (west and north
    edges in, east and south out). A geometry that is not a point counts
    at the centre of its bounding box. The spatial index narrows the rows by
    the storage geometry (a widened envelope); the exact test is on
    ``web_geometry``'s coordinates. ``values`` come from code (a field's
    choices), never from a request.
    """
    connection = connections[queryset.db]
    z, x, y = tile
    columns = {
        "_g": F(geometry),
        "_b": BoundingBox(F(web_geometry)),
    }
    columns["_k"] = F(breakdown) if breakdown else Value("")
    rows = queryset.order_by()
    rows_sql, rows_params = rows.values(**columns).query.sql_with_params()
    counts = "".join(
        f", count(*) FILTER (WHERE p._k = %s) AS "
        f"{connection.ops.quote_name(f'count_{value}')}"
        for value in values
    )
    # The tile's bounds are one-row InitPlans, so the cells group by two
    # integers alone; each row's position is computed once (OFFSET 0 keeps
    # PostgreSQL from inlining it into every use).
    x0, x1, y0, y1, side = (
        f"(SELECT {name} FROM g)" for name in ("x0", "x1", "y0", "y1", "side")
    )
    column = f"LEAST(floor((p._x - {x0}) / {side} * {CELLS})::int, {CELLS - 1})"
    row = f"LEAST(floor(({y0} - p._y) / {side} * {CELLS})::int, {CELLS - 1})"
    sql = f"""
        WITH g AS (
            SELECT ST_XMin(e) AS x0, ST_XMax(e) AS x1,
                   ST_YMin(e) AS y1, ST_YMax(e) AS y0,
                   ST_XMax(e) - ST_XMin(e) AS side
            FROM ST_TileEnvelope(%s, %s, %s) AS e
        )
        SELECT ST_AsMVT(c, %s, {EXTENT}, '_mvt_geom') FROM (
            SELECT ST_Point(({column} + 0.5) * {EXTENT // CELLS},
                            ({row} + 0.5) * {EXTENT // CELLS}) AS _mvt_geom,
                   count(*) AS count{counts}
            FROM (
                SELECT (ST_XMin(r._b) + ST_XMax(r._b)) / 2 AS _x,
                       (ST_YMin(r._b) + ST_YMax(r._b)) / 2 AS _y, r._k
                FROM ({rows_sql}) AS r
                WHERE %s < {PREFILTER_MIN_ZOOM} OR r._g && (SELECT ST_Transform(
                    ST_TileEnvelope(%s, %s, %s, margin => {PREFILTER_MARGIN}),
                    {srid.STORAGE}))
                OFFSET 0
            ) AS p
            WHERE p._x >= {x0} AND p._x < {x1} AND p._y > {y1} AND p._y <= {y0}
            GROUP BY {column}, {row}
        ) AS c
    """
    return sql, (z, x, y, layer, *values, *rows_params, z, z, x, y)


def _execute(db: str, sql: str, params: Sequence[Any]) -> bytes:
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        (tile_bytes,) = cursor.fetchone()
    return bytes(tile_bytes or b"")


def render_tile(
    queryset: QuerySet, *, aggregate: bool = False, **tile_options: Any
) -> bytes:
    """The tile as bytes (see ``tile_sql``, or ``aggregate_tile_sql`` when
    ``aggregate``); empty when no row lies in it, or when the queryset is
    one Django knows matches nothing (it then has no SQL:
    ``EmptyResultSet``)."""
    try:
        statement = aggregate_tile_sql if aggregate else tile_sql
        sql, params = statement(queryset, **tile_options)
    except EmptyResultSet:
        return b""
    return _execute(queryset.db, sql, params)


# Tile coordinates no real tile has: compiled in, then swapped per tile.
_SENTINEL = Tile(1_000_000_007, 1_000_000_009, 1_000_000_021)


class CompiledTile:
    """``tile_sql`` for a queryset that is the same for every tile (a layer
    everyone sees alike): the ORM compiles it once, a tile only swaps in its
    z/x/y. Saves the per-request query compilation on the hottest path."""

    def __init__(
        self, queryset: QuerySet, *, aggregate: bool = False, **tile_options: Any
    ) -> None:
        self.model = queryset.model
        statement = aggregate_tile_sql if aggregate else tile_sql
        self.sql, params = statement(queryset, tile=_SENTINEL, **tile_options)
        self.params = list(params)
        self.slots = sentinel_slots(self.params, _SENTINEL, int)

    def render(self, tile: Tile) -> bytes:
        return _execute_bound(self.db, self.sql, self._params(tile))

    @property
    def db(self) -> str:
        """The database to read from now, not when compiled: a request
        pinned to the primary after a write must not pin every later tile."""
        return router.db_for_read(self.model)

    def render_beside(
        self, tile: Tile, sql: str, params: Sequence[Any]
    ) -> tuple[Any, bytes]:
        """The value of the scalar subquery ``sql`` and the tile, in one
        statement: one round trip, and both read from one snapshot."""
        found, tile_bytes = fetch_bound(
            self.db, f"SELECT {sql}, ({self.sql})", [*params, *self._params(tile)]
        )
        return found, bytes(tile_bytes or b"")

    def _params(self, tile: Tile) -> list[Any]:
        return swapped(self.params, self.slots, tile)


def sentinel_slots(
    params: Sequence[Any], sentinel: Sequence[Any], kind: type
) -> list[tuple[int, int]]:
    """Where in a statement's ``params`` each value of ``sentinel`` (values
    of type ``kind`` no request has, compiled in) is: (position, index)."""
    return [
        (i, list(sentinel).index(p))
        for i, p in enumerate(params)
        if isinstance(p, kind) and p in sentinel
    ]


def swapped(
    params: Sequence[Any], slots: Sequence[tuple[int, int]], values: Sequence[Any]
) -> list[Any]:
    """``params`` with the request's ``values`` where the sentinel's were."""
    found = list(params)
    for position, index in slots:
        found[position] = values[index]
    return found


def _execute_bound(db: str, sql: str, params: Sequence[Any]) -> bytes:
    (tile_bytes,) = fetch_bound(db, sql, params)
    return bytes(tile_bytes or b"")


class _PlannedEachTime(ServerBindingCursor):
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return super().execute(*args, **{**kwargs, "prepare": False})


def fetch_bound(
    db: str,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any],
    *,
    prepare: bool = True,
) -> Any:
    """The one row of ``sql``, with the parameters bound by the server
    (psycopg's Cursor, not the ClientCursor Django uses by default): the
    client no longer quotes the values into the SQL text, and PostgreSQL
    prepares the statement once a connection has run it
    ``prepare_threshold`` times (DATABASES OPTIONS; None never prepares).
    Without ``prepare`` it is planned for its values every time: a
    prepared statement's plan may not know them."""
    connection = connections[db]
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    cursor_class = ServerBindingCursor if prepare else _PlannedEachTime
    raw: Any = cursor_class(connection.connection)
    # As Django wraps its own cursors: errors, query logging, wrappers.
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
