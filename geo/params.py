"""Request text to GEOS, raising ``ValidationError`` with a plain message.

Every parser here is strict: a value is rejected with a message that names
the parameter, never silently clamped.
"""

import json
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import shapely
import shapely.errors
import shapely.geometry
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point
from django.contrib.gis.geos import Polygon as GEOSPolygon
from django.core.exceptions import ValidationError

from geo import srid

# A polygon query larger than this is refused (413 where the caller can say
# so): it is a planner's area, not a dataset.
MAX_POLYGON_VERTICES = 20_000
MAX_TILE_ZOOM = 24
# Levels of arrays and objects in an input geometry: a MultiPolygon needs
# five, a collection of them seven. Deeper input would exhaust the
# recursion of the JSON reader, shapely and GEOS rather than mean anything.
MAX_GEOMETRY_NESTING = 12


class Tile(NamedTuple):
    z: int
    x: int
    y: int


def parse_float(params: Mapping[str, Any], name: str) -> float:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        raise ValidationError(f"Parameter '{name}' is required.", code="required")
    try:
        value = float(str(raw))
    except ValueError:
        raise ValidationError(
            f"Parameter '{name}' must be a number, got {str(raw)[:40]!r}.",
            code="invalid",
        ) from None
    if not math.isfinite(value):
        raise ValidationError(f"Parameter '{name}' must be finite.", code="invalid")
    return value


def check_lon_lat(lon: float, lat: float) -> None:
    if not -180 <= lon <= 180:
        raise ValidationError(
            f"Longitude {lon} is out of range: it must be between -180 and 180.",
            code="out_of_range",
        )
    if not -90 <= lat <= 90:
        raise ValidationError(
            f"Latitude {lat} is out of range: it must be between -90 and 90.",
            code="out_of_range",
        )


def parse_lon_lat(params: Mapping[str, Any]) -> Point:
    lon = parse_float(params, "lon")
    lat = parse_float(params, "lat")
    check_lon_lat(lon, lat)
    return Point(lon, lat, srid=srid.GEOJSON)


class Bounds(NamedTuple):
    west: float
    south: float
    east: float
    north: float


def parse_bbox(raw: str, *, name: str = "bbox") -> GEOSPolygon:
    """``west,south,east,north`` in WGS84 to a polygon."""
    polygon = GEOSPolygon.from_bbox(parse_bounds(raw, name=name))
    polygon.srid = srid.GEOJSON
    return polygon


def parse_bounds(raw: str, *, name: str = "bbox") -> Bounds:
    """``west,south,east,north`` in WGS84, checked as ``parse_bbox`` checks
    it, as four numbers (for SQL that builds the box itself)."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise ValidationError(
            f"Parameter '{name}' must be four numbers: west,south,east,north.",
            code="invalid",
        )
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            f"Parameter '{name}' must be four numbers: west,south,east,north.",
            code="invalid",
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValidationError(f"Parameter '{name}' must be finite.", code="invalid")
    check_lon_lat(west, south)
    check_lon_lat(east, north)
    if south > north:
        raise ValidationError(
            f"Parameter '{name}' is inverted: south ({south}) is above north "
            f"({north}).",
            code="inverted",
        )
    if west > east:
        raise ValidationError(
            f"Parameter '{name}' crosses the antimeridian (west {west} > east "
            f"{east}); that is not supported.",
            code="inverted",
        )
    return Bounds(west, south, east, north)


def parse_tile(z: int | str, x: int | str, y: int | str) -> Tile:
    try:
        tile = Tile(int(z), int(x), int(y))
    except (TypeError, ValueError):
        raise ValidationError("Tile z/x/y must be whole numbers.") from None
    if not 0 <= tile.z <= MAX_TILE_ZOOM:
        raise ValidationError(
            f"Zoom {tile.z} is out of range: it must be between 0 and {MAX_TILE_ZOOM}.",
            code="out_of_range",
        )
    size = 2**tile.z
    if not (0 <= tile.x < size and 0 <= tile.y < size):
        raise ValidationError(
            f"Tile {tile.z}/{tile.x}/{tile.y} does not exist: at zoom {tile.z} "
            f"x and y must be between 0 and {size - 1}.",
            code="out_of_range",
        )
    return tile


def nesting(value: Any) -> int:
    """How many arrays and objects deep ``value`` goes, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            members = item.values() if isinstance(item, dict) else item
            stack.extend((member, depth + 1) for member in members)
    return deepest


def _too_deep(name: str) -> ValidationError:
    return ValidationError(
        f"'{name}' is nested more than {MAX_GEOMETRY_NESTING} levels deep."
    )


def _not_a_number(name: str) -> Any:
    def refuse(constant: str) -> float:
        raise ValidationError(f"'{name}' has a coordinate that is not finite.")

    return refuse


class GeometryTooLargeError(ValidationError):
    """An input geometry over the vertex limit (HTTP 413 where possible)."""


def parse_geometry(value: Any, *, name: str = "geometry") -> GEOSGeometry:
    """A GeoJSON geometry (text or already-parsed JSON) in WGS84 to GEOS."""
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_constant=_not_a_number(name))
        except RecursionError:
            raise _too_deep(name) from None
        except ValueError:
            raise ValidationError(f"'{name}' is not valid JSON.") from None
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationError(f"'{name}' must be a GeoJSON geometry object.")
    if nesting(value) > MAX_GEOMETRY_NESTING:
        raise _too_deep(name)
    try:
        # shapely reads the geometry with GEOS alone: a "crs" member is never
        # handed to GDAL, which could be made to fetch a URL.
        shape = shapely.geometry.shape(value)
    except (GEOSException, ValueError, TypeError, KeyError, IndexError) as error:
        raise ValidationError(
            f"'{name}' is not a valid GeoJSON geometry: {error}"
        ) from None
    except shapely.errors.ShapelyError as error:
        raise ValidationError(
            f"'{name}' is not a valid GeoJSON geometry: {error}"
        ) from None
    return checked_geometry(shape, name=name)


def checked_geometry(shape: shapely.Geometry, *, name: str) -> GEOSGeometry:
    """A WGS84 shapely geometry to GEOS, refused when it is too large, empty,
    outside lon/lat ranges or invalid."""
    if shapely.get_num_coordinates(shape) > MAX_POLYGON_VERTICES:
        raise GeometryTooLargeError(
            f"'{name}' has {shapely.get_num_coordinates(shape)} vertices; at "
            f"most {MAX_POLYGON_VERTICES} are accepted.",
            code="too_large",
        )
    geometry = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=srid.GEOJSON)
    geometry.srid = srid.GEOJSON
    if geometry.empty:
        raise ValidationError(f"'{name}' is empty.")
    west, south, east, north = geometry.extent
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValidationError(f"'{name}' has a coordinate that is not finite.")
    check_lon_lat(west, south)
    check_lon_lat(east, north)
    if not geometry.valid:
        raise ValidationError(
            f"'{name}' is not a valid geometry: {geometry.valid_reason}."
        )
    return geometry


def parse_polygon(value: Any, *, name: str = "geometry") -> MultiPolygon:
    geometry = parse_geometry(value, name=name)
    if isinstance(geometry, GEOSPolygon):
        geometry = MultiPolygon(geometry, srid=geometry.srid)
    if not isinstance(geometry, MultiPolygon):
        raise ValidationError(
            f"'{name}' must be a Polygon or MultiPolygon, got {geometry.geom_type}."
        )
    return geometry
