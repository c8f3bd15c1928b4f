"""Count tiles read from a summary of counts per fine grid cell, kept per
data version of a layer, instead of from the layer's rows.

The fine cells are the tiles of zoom ``ZOOM``: a cell of an aggregated tile
(``geo.tiles.CELLS`` per side) at zoom ``ZOOM - log2(CELLS)`` or below is
an exact union of them, so its counts are exact sums, and a point's fine
cell, ``floor((x - west) / side)``, keeps the half-open tile edges of
``geo.tiles.aggregate_tile_sql`` (west and north in, east and south out).

A layer's summary is built on first need for a new version, by one
``INSERT ... SELECT ... GROUP BY`` over its rows under a transaction-level
advisory lock per layer (concurrent requests build it once); the rows of its
older versions go. Read the version before calling: the rows summarised are
then at least that new. The tables are UNLOGGED (a crash empties them, and
they are rebuilt on need) and so live on the primary alone: every statement
here runs on ``DATABASE``.
"""

from django.db import connections, transaction
from django.db.models import F, QuerySet, Value

from geo.params import Tile
from geo.tiles import CELLS, EXTENT, BoundingBox, fetch_bound

DATABASE = "default"
ZOOM = 15
TABLE = "tile_cells"
BUILT = "tile_cells_built"
# The advisory lock's first key: the layer's name hashes into the second.
_LOCK = 0x7469_6C65  # "tile"

SETUP = f"""
CREATE UNLOGGED TABLE {TABLE} (
    layer text NOT NULL,
    version text NOT NULL,
    x integer NOT NULL,
    y integer NOT NULL,
    k text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (layer, version, x, y, k)
);
CREATE UNLOGGED TABLE {BUILT} (
    layer text NOT NULL,
    version text NOT NULL,
    PRIMARY KEY (layer, version)
);
"""
TEARDOWN = f"DROP TABLE IF EXISTS {TABLE}; DROP TABLE IF EXISTS {BUILT};"

_SHIFT = CELLS.bit_length() - 1
assert 1 << _SHIFT == CELLS, "CELLS must be a power of two"
# The highest zoom whose aggregated tiles the summary answers.
MAX_ZOOM = ZOOM - _SHIFT


def covers(tile: Tile) -> bool:
    return 0 <= tile.z <= MAX_ZOOM


class CellCounts:
    """The aggregated tiles of one layer whose rows (``queryset``) are the
    same for every viewer, read from the summary. Takes the options of
    ``aggregate_tile_sql``; its output is the same tile."""

    def __init__(
        self,
        queryset: QuerySet,
        *,
        layer: str,
        web_geometry: str,
        breakdown: str | None = None,
        values: tuple[str, ...] = (),
    ) -> None:
        self.layer = layer
        columns = {
            "_b": BoundingBox(F(web_geometry)),
            "_k": F(breakdown) if breakdown else Value(""),
        }
        rows_sql, rows_params = (
            queryset.using(DATABASE)
            .order_by()
            .values(**columns)
            .query.sql_with_params()
        )
        # Fine cells counted from the world's north-west corner, as tiles are.
        self.build_sql = f"""
            INSERT INTO {TABLE} (layer, version, x, y, k, n)
            SELECT %s, %s,
                   floor(((ST_XMin(r._b) + ST_XMax(r._b)) / 2 - g.west)
                         / g.side)::int AS x,
                   floor((g.north - (ST_YMin(r._b) + ST_YMax(r._b)) / 2)
                         / g.side)::int AS y,
                   r._k, count(*)
            FROM ({rows_sql}) AS r, (
                SELECT ST_XMin(e) AS west, ST_YMax(e) AS north,
                       (ST_XMax(e) - ST_XMin(e)) / {1 << ZOOM} AS side
                FROM ST_TileEnvelope(0, 0, 0) AS e
            ) AS g
            WHERE r._b IS NOT NULL
            GROUP BY 3, 4, 5
        """
        self.build_params = rows_params
        quote = connections[DATABASE].ops.quote_name
        counts = "".join(
            f", coalesce(sum(c.n) FILTER (WHERE c.k = %(value_{i})s), 0)::bigint"
            f" AS {quote(f'count_{value}')}"
            for i, value in enumerate(values)
        )
        self.value_params = {f"value_{i}": value for i, value in enumerate(values)}
        # Each fine cell's column and row in the tile's grid, then a point
        # per grid cell at its centre, as aggregate_tile_sql places it.
        self.tile_sql = f"""
            SELECT EXISTS (
                SELECT FROM {BUILT} WHERE layer = %(layer)s AND version = %(version)s
            ), (
                SELECT ST_AsMVT(t, %(layer)s, {EXTENT}, '_mvt_geom') FROM (
                    SELECT ST_Point((c.col + 0.5) * {EXTENT // CELLS},
                                    (c.row + 0.5) * {EXTENT // CELLS}) AS _mvt_geom,
                           sum(c.n)::bigint AS count{counts}
                    FROM (
                        SELECT (x - %(x)s) / %(step)s AS col,
                               (y - %(y)s) / %(step)s AS row, k, n
                        FROM {TABLE}
                        WHERE layer = %(layer)s AND version = %(version)s
                          AND x >= %(x)s AND x < %(x)s + %(span)s
                          AND y >= %(y)s AND y < %(y)s + %(span)s
                    ) AS c
                    GROUP BY c.col, c.row
                ) AS t
            )
        """

    def render(self, tile: Tile, version: str) -> bytes:
        """The tile at ``version`` (the layer's current data version, read
        before), building the summary of that version first if need be."""
        built, data = self._read(tile, version)
        if not built:
            self.build(version)
            built, data = self._read(tile, version)
        return bytes(data or b"")

    def _read(self, tile: Tile, version: str) -> tuple[bool, bytes | None]:
        span = 1 << (ZOOM - tile.z)
        params = {
            "layer": self.layer,
            "version": version,
            "x": tile.x * span,
            "y": tile.y * span,
            "span": span,
            "step": span >> _SHIFT,
        }
        built, data = fetch_bound(DATABASE, self.tile_sql, params | self.value_params)
        return built, data

    def build(self, version: str) -> None:
        """The summary of ``version``, unless it is there already; the
        layer's other versions go."""
        with (
            transaction.atomic(using=DATABASE),
            connections[DATABASE].cursor() as cursor,
        ):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [_LOCK, self.layer],
            )
            cursor.execute(
                f"SELECT FROM {BUILT} WHERE layer = %s AND version = %s",
                [self.layer, version],
            )
            if cursor.fetchone() is not None:
                return
            for table in (TABLE, BUILT):
                cursor.execute(f"DELETE FROM {table} WHERE layer = %s", [self.layer])
            cursor.execute(self.build_sql, [self.layer, version, *self.build_params])
            cursor.execute(
                f"INSERT INTO {BUILT} (layer, version) VALUES (%s, %s)",
                [self.layer, version],
            )
