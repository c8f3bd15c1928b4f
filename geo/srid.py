"""Coordinate reference systems, declared once.

The storage SRID is schema, not configuration: changing it needs a migration.
"""

# ETRS-TM35FIN, metres: Finland's national metric CRS.
STORAGE = 3067
# RFC 7946 GeoJSON is always WGS84 lon/lat.
GEOJSON = 4326
WEB_MERCATOR = 3857
