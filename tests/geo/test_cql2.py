import pytest
from django.core.exceptions import ValidationError

from geo.cql2 import Equals, Spatial, parse_cql2_text
from geo.params import GeometryTooLargeError


def test_spatial_predicates_and_equality_joined_by_and():
    predicates = parse_cql2_text(
        "(S_INTERSECTS(geometry, POINT(24.94 60.17)) and status = 'it''s') "
        "AND S_WITHIN(geom, BBOX(24.9, 60.1, 25.0, 60.2)) AND n = 3 AND ok = TRUE"
    )
    first, status, within, number, flag = predicates
    assert isinstance(first, Spatial) and first.operator == "intersects"
    assert first.geometry.coords == (24.94, 60.17) and first.geometry.srid == 4326
    assert status == Equals("status", "it's")
    assert within.operator == "within" and within.property == "geom"
    assert within.geometry.extent == (24.9, 60.1, 25.0, 60.2)
    assert number == Equals("n", 3.0) and flag == Equals("ok", True)


def test_a_geojson_geometry_is_accepted():
    (predicate,) = parse_cql2_text(
        'S_INTERSECTS(geometry, {"type": "Point", "coordinates": [24.94, 60.17]})'
    )
    assert predicate.geometry.coords == (24.94, 60.17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ends too early"),
        ("S_INTERSECTS(geometry, POINT(24.9 60.1)) OR x = 1", "only AND"),
        ("NOT x = 1", "only '=' comparisons"),
        ("x = 1 AND", "ends too early"),
        ("x = 1)", "expected AND or the end"),
        ("S_INTERSECTS(geometry, CIRCLE(1 2))", "not a geometry type"),
        ("S_INTERSECTS(geometry, POINT(a b))", "not valid WKT"),
        ("S_TOUCHES(geometry, POINT(24 60))", "S_TOUCHES is not supported"),
        ("x = @", "unexpected character"),
        ("S_WITHIN(geometry, POINT(24 60)", "ends too early"),
    ],
)
def test_anything_else_is_refused_with_the_place_it_went_wrong(text, message):
    with pytest.raises(ValidationError, match="Invalid CQL2|WKT") as raised:
        parse_cql2_text(text)
    assert message in str(raised.value)


def test_huge_geometries_are_refused_before_parsing():
    ring = ", ".join("24 60" for _ in range(25_000))
    with pytest.raises(GeometryTooLargeError, match="25000 vertices"):
        parse_cql2_text(f"S_INTERSECTS(geometry, POLYGON(({ring})))")
