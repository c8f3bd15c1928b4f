from django.contrib.gis.geos import Point

from geo import srid


def point_at(*, lon: float, lat: float) -> Point:
    """A WGS84 point. Keyword-only so lon/lat can never be swapped silently."""
    return Point(lon, lat, srid=srid.GEOJSON)
