from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from districts.models import District
from geo.params import parse_geometry

ITEM_GEOMETRY_TYPES = {
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
}


def checked_location(
    value: Any, *, name: str = "location", points_only: bool = False
) -> GEOSGeometry | None:
    """A location from GEOS or GeoJSON (WGS84), checked: a valid point, line
    or polygon that lies at least partly in Helsinki. None stays None."""
    if value is None:
        return None
    if isinstance(value, GEOSGeometry):
        geometry = value
        if geometry.srid is None:
            raise ValidationError({name: "The geometry has no coordinate system."})
        if geometry.empty:
            raise ValidationError({name: "The geometry is empty."})
        if not geometry.valid:
            raise ValidationError(
                {name: f"Not a valid geometry: {geometry.valid_reason}."}
            )
    elif isinstance(value, dict | str):
        try:
            geometry = parse_geometry(value, name=name)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    else:
        raise ValidationError(
            {name: f"Expected a GeoJSON geometry, got {type(value).__name__}."}
        )
    allowed = {"Point"} if points_only else ITEM_GEOMETRY_TYPES
    if geometry.geom_type not in allowed:
        raise ValidationError(
            {
                name: f"A {geometry.geom_type} is not accepted here; use "
                f"{' or '.join(sorted(allowed))}."
            }
        )
    # The city is the union of its major districts (sea area included):
    # PostGIS transforms the parameter, the index on the boundaries is used.
    in_city = District.objects.at_level(District.Level.MAJOR_DISTRICT).intersecting(
        geometry
    )
    if not in_city.exists():
        raise ValidationError({name: "The location is outside Helsinki."})
    return geometry


def major_district(code: Any, *, name: str = "district") -> District:
    """The major district with official ``code``; unknown codes are a
    validation error, not a missing row."""
    found = (
        District.objects.at_level(District.Level.MAJOR_DISTRICT)
        .filter(code=str(code).strip())
        .first()
    )
    if found is None:
        codes = ", ".join(
            District.objects.at_level(District.Level.MAJOR_DISTRICT)
            .order_by("code")
            .values_list("code", flat=True)
        )
        raise ValidationError(
            {name: f"No major district has the code {str(code)[:20]!r}; use {codes}."}
        )
    return found
