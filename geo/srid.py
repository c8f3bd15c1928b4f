"""Coordinate reference systems, declared once.

The storage SRID is schema, not configuration: changing it needs a migration.
"""

from functools import cache

from django.contrib.gis.gdal import CoordTransform, SpatialReference

# ETRS-TM35FIN, metres: Finland's national metric CRS.
STORAGE = 3067
# RFC 7946 GeoJSON is always WGS84 lon/lat.
GEOJSON = 4326
WEB_MERCATOR = 3857


@cache
def to_storage(source_srid: int) -> CoordTransform:
    # Building the transformation reads the PROJ database (~0.15 s); the
    # transformation itself is cheap.
    return CoordTransform(SpatialReference(source_srid), SpatialReference(STORAGE))
