"""The small maps on forum, meeting and coordinator pages: what
forums/static/forums/area_map.js draws (outlines, a venue, a drawing)."""

import json
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point
from django.utils.translation import get_language

from geo import srid
from web.basemap import basemap

# Metres in the storage CRS: outlines simplified to what a 22rem map shows.
OUTLINE_TOLERANCE = 5.0


def outline(boundary: GEOSGeometry, properties: dict[str, Any]) -> dict[str, Any]:
    """``boundary`` as a GeoJSON feature in lon/lat, simplified."""
    shape = boundary.simplify(OUTLINE_TOLERANCE, preserve_topology=True)
    shape.transform(srid.GEOJSON)
    return {
        "type": "Feature",
        "geometry": json.loads(shape.geojson),
        "properties": properties,
    }


def area_map_config(
    *,
    areas: list[dict[str, Any]],
    point: Point | None = None,
    draw_field: str | None = None,
) -> dict[str, Any]:
    """The json_script config of an area map; ``draw_field`` is the id of
    the textarea a drawn boundary is written to."""
    lon_lat = None
    if point is not None:
        shown = point.transform(srid.GEOJSON, clone=True)
        assert isinstance(shown, Point)
        lon_lat = [round(shown.x, 6), round(shown.y, 6)]
    language = (get_language() or "fi")[:2]
    return {
        "basemap": basemap(),
        "areas": areas,
        "point": lon_lat,
        "draw": {"field": draw_field, "language": language} if draw_field else None,
    }
