import pytest
from django.contrib.gis.db import models as gis
from django.core.exceptions import ValidationError
from django.db import models

from geo.cql2 import MAX_DEPTH, cql2_filter, parse_cql2_text
from geo.params import GeometryTooLargeError

QUERYABLES = {
    "status": models.CharField(max_length=20),
    "round": models.PositiveSmallIntegerField(),
    "cost": models.DecimalField(max_digits=12, decimal_places=2),
    "ok": models.BooleanField(),
    "opened_on": models.DateField(),
    "created_at": models.DateTimeField(),
    "boundary": gis.MultiPolygonField(srid=3067),
}


def q(text):
    return cql2_filter(text, geometry="location", queryables=QUERYABLES)


def test_spatial_predicates_and_equality_joined_by_and():
    tree = parse_cql2_text(
        "(S_INTERSECTS(geometry, POINT(24.94 60.17)) and status = 'it''s') "
        "AND S_WITHIN(geom, BBOX(24.9, 60.1, 25.0, 60.2)) AND n = 3 AND ok = TRUE"
    )
    assert tree == {
        "op": "and",
        "args": [
            {
                "op": "s_intersects",
                "args": [
                    {"property": "geometry"},
                    {"type": "Point", "coordinates": [24.94, 60.17]},
                ],
            },
            {"op": "=", "args": [{"property": "status"}, "it's"]},
            {
                "op": "s_within",
                "args": [{"property": "geom"}, {"bbox": [24.9, 60.1, 25.0, 60.2]}],
            },
            {"op": "=", "args": [{"property": "n"}, 3.0]},
            {"op": "=", "args": [{"property": "ok"}, True]},
        ],
    }


def test_spatial_functions_become_their_own_lookups_in_lon_lat():
    (intersects,) = q("S_INTERSECTS(geometry, POINT(24.94 60.17))").children
    assert intersects.lookup_name == "intersects"
    assert intersects.rhs.value.coords == (24.94, 60.17)
    assert intersects.rhs.value.srid == 4326
    (within,) = q("S_WITHIN(geom, BBOX(24.9, 60.1, 25.0, 60.2))").children
    # within, not intersects: S_WITHIN is ST_Within.
    assert within.lookup_name == "within"
    assert within.rhs.value.extent == (24.9, 60.1, 25.0, 60.2)


def test_a_geojson_geometry_is_accepted():
    (predicate,) = q(
        'S_INTERSECTS(geometry, {"type": "Point", "coordinates": [24.94, 60.17]}) '
        "AND round = 2"
    ).children[:1]
    assert predicate.rhs.value.coords == (24.94, 60.17)


def test_literals_take_the_type_of_their_queryable():
    assert q("round = 3").children[0].rhs.value == 3
    assert type(q("round = 3").children[0].rhs.value) is int
    assert str(q("cost < 1000.5").children[0].rhs.value) == "1000.5"
    day = q("opened_on = DATE('2024-03-01')").children[0].rhs.value
    assert day.isoformat() == "2024-03-01"
    assert q("opened_on >= '2024-03-01'").children[0].rhs.value == day
    moment = q("created_at < TIMESTAMP('2024-03-01T12:00:00Z')").children[0]
    assert moment.rhs.value.isoformat() == "2024-03-01T12:00:00+00:00"
    assert q("status IN ('open', 'closed')").children[0].rhs == ["open", "closed"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("round = 'abc'", "'round' is a whole number; \"abc\" is not"),
        ("round = 2.5", "a whole number; 2.5 is not"),
        ("round = 1e400", "not finite"),
        ("round = 99999999", "between 0 and 32767"),
        ("opened_on = 5", "'opened_on' is a date; 5.0 is not"),
        ("opened_on = DATE('2024-13-01')", "is a date"),
        ("status = 3", "'status' is text; 3.0 is not"),
        ("status = NULL", "use IS NULL"),
        ("ok = 'yes'", "TRUE or FALSE"),
        ("ok < TRUE", "only =, <> and IN apply"),
        ("round LIKE '1%'", "LIKE compares text"),
        ("boundary = 1", "cannot be compared"),
        ("nope = 1", "'nope' is not a queryable; queryables: status, round"),
        ("3 = round", "must have a queryable on its left"),
        ("round = round", "is not"),
        ("S_INTERSECTS(POINT(24 60), geometry)", "first argument of S_INTERSECTS"),
        ("S_INTERSECTS(status, POINT(24 60))", "Unknown spatial property"),
        ("S_INTERSECTS(geometry, status)", "compares 'geometry' with a geometry"),
        ("S_INTERSECTS(geometry, BBOX(24, 60, 25))", "four numbers"),
        ("S_INTERSECTS(geometry, POINT(24.9 95))", "Latitude 95.0"),
        ("TRUE", "expected a predicate"),
        ("round = 1 + 2", "is not"),
    ],
)
def test_values_that_do_not_suit_the_queryable_are_refused(text, message):
    with pytest.raises(ValidationError) as raised:
        q(text)
    assert message in raised.value.messages[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ends too early"),
        ("x = 1 AND", "ends too early"),
        ("x = 1)", "expected AND, OR or the end"),
        ("S_INTERSECTS(geometry, CIRCLE(1 2))", "not a geometry type"),
        ("S_INTERSECTS(geometry, POINT(a b))", "not valid WKT"),
        ("S_TOUCHES(geometry, POINT(24 60))", "S_TOUCHES is not supported"),
        ("x = CASEI('a')", "'CASEI' is not a geometry type"),
        ("x = @", "unexpected character"),
        ("S_WITHIN(geometry, POINT(24 60)", "ends too early; unbalanced '('"),
        ("S_INTERSECTS(geometry, BBOX(", "unbalanced '('"),
        ("S_INTERSECTS(geometry, POINT EMPTY)", "empty geometries"),
        ("S_INTERSECTS(geometry, POLYGON EMPTY)", "empty geometries"),
        ("x = 'open", "not closed"),
        ("x = 'a\x00b'", "control characters"),
        ("x\x00 = 1", "control characters"),
        ('S_INTERSECTS(geometry, {"type": ', "not valid JSON"),
        pytest.param(
            'S_INTERSECTS(geometry, {"type": "Point", "coordinates": '
            + "[" * 90_000
            + "]" * 90_000
            + "})",
            "not valid JSON",
            id="GeoJSON nested 90,000 deep",
        ),
    ],
)
def test_anything_else_is_refused_with_the_place_it_went_wrong(text, message):
    with pytest.raises(ValidationError, match="Invalid CQL2") as raised:
        parse_cql2_text(text)
    assert message in raised.value.messages[0]


def test_the_character_named_is_where_the_filter_went_wrong():
    with pytest.raises(ValidationError) as raised:
        parse_cql2_text("status = 'a' AND S_TOUCHES(geometry, POINT(24 60))")
    assert "at character 18 ('S_TOUCHES(geometry" in raised.value.messages[0]
    with pytest.raises(ValidationError) as raised:
        parse_cql2_text("status =\n  = 'a'")
    assert "at character 12 (\"= 'a'\")" in raised.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "(" * 3000 + "x = 1" + ")" * 3000,
        "NOT " * 10_000 + "x = 1",
        " AND ".join(["x=1"] * 20_000),
        "point = 1 AND (" + " AND ".join(["x=1"] * 20_000) + ")",
        "x = 1" + " -1" * 20_000,
        "x = " + "-" * 30_000 + "1",
    ],
    ids=lambda text: text[:24],
)
def test_deep_or_long_filters_are_refused_before_the_parser_sees_them(text):
    # Each of these overflows the native parser's stack (a crash, not an
    # exception) when it is handed over unscreened.
    with pytest.raises(ValidationError, match="nested deeper|more than 500 terms"):
        parse_cql2_text(text)


def test_terms_inside_a_malformed_geometry_count_too():
    # The parser reads a malformed WKT literal as a function call.
    text = "S_INTERSECTS(geometry, POINT(" + "x = 1 AND " * 200 + "1 2))"
    with pytest.raises(ValidationError, match="more than 500 terms"):
        parse_cql2_text(text)


def test_the_nesting_a_multipolygon_needs_is_within_the_limit():
    nested = "(" * (MAX_DEPTH - 5)
    closed = ")" * (MAX_DEPTH - 5)
    polygon = "MULTIPOLYGON(((24 60, 25 60, 25 61, 24 60)))"
    tree = parse_cql2_text(f"{nested}S_INTERSECTS(geometry, {polygon}){closed}")
    assert tree["args"][1]["type"] == "MultiPolygon"


def test_huge_geometries_are_refused_before_parsing():
    ring = ", ".join("24 60" for _ in range(25_000))
    with pytest.raises(GeometryTooLargeError, match="more than 20001 vertices"):
        parse_cql2_text(f"S_INTERSECTS(geometry, POLYGON(({ring})))")
