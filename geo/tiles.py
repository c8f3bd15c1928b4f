"""Mapbox Vector Tiles rendered by one ST_AsMVT around an ORM queryset.

Modeled on django-vectortiles' ``VectorLayer.get_tile``: the queryset is
filtered by the tile envelope, annotated with ``ST_AsMVTGeom`` and wrapped
in one statement. This is the only raw SQL in the project; identifiers in it
come from code, never from requests.
"""

from collections.abc import Sequence

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.db import connections
from django.db.models import Func, QuerySet, Value

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


def render_tile(
    queryset: QuerySet,
    *,
    tile: Tile,
    layer: str,
    geometry: str,
    fields: Sequence[str],
    max_features: int = MAX_FEATURES,
) -> bytes:
    """One MVT layer named ``layer`` holding ``queryset``'s rows in ``tile``.

    The envelope (plus the buffer the geometries are clipped to) is
    transformed to the storage CRS, never the column, so the spatial index
    finds the rows. Empty when no row lies in the tile.
    """
    margin = BUFFER / EXTENT
    rows = (
        queryset.filter(
            **{
                f"{geometry}__intersects": Transform(
                    TileEnvelope(tile, margin=margin), srid.STORAGE
                )
            }
        )
        .annotate(
            _mvt_geom=AsMVTGeom(
                Transform(geometry, srid.WEB_MERCATOR), TileEnvelope(tile)
            )
        )
        .values(*fields, "_mvt_geom")[:max_features]
    )
    sql, params = rows.query.sql_with_params()
    wrapped = f"SELECT ST_AsMVT(t, %s, {EXTENT}, '_mvt_geom') FROM ({sql}) AS t"
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(wrapped, (layer, *params))
        (tile_bytes,) = cursor.fetchone()
    return bytes(tile_bytes or b"")
