import math

import pytest
from django.core.exceptions import ValidationError

from geo.params import (
    MAX_POLYGON_VERTICES,
    GeometryTooLargeError,
    parse_bbox,
    parse_polygon,
    parse_tile,
)


def test_a_bbox_is_west_south_east_north():
    polygon = parse_bbox("24.9,60.1,25.0,60.2")
    assert polygon.extent == (24.9, 60.1, 25.0, 60.2)
    assert polygon.srid == 4326


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("24.9,60.1,25.0", "four numbers"),
        ("a,b,c,d", "four numbers"),
        ("24.9,60.2,25.0,60.1", "inverted"),
        ("24.9,60.1,25.0,91", "Latitude 91.0 is out of range"),
        ("25.0,60.1,24.9,60.2", "antimeridian"),
        ("nan,60.1,25,60.2", "finite"),
    ],
)
def test_bad_bboxes_are_refused(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_bbox(raw)


def test_tiles_must_exist_at_their_zoom():
    assert parse_tile("14", "9326", "4741") == (14, 9326, 4741)
    with pytest.raises(ValidationError, match="between 0 and 3"):
        parse_tile(2, 4, 0)
    with pytest.raises(ValidationError, match="Zoom 25 is out of range"):
        parse_tile(25, 0, 0)
    with pytest.raises(ValidationError, match="whole numbers"):
        parse_tile("a", 0, 0)


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[24.9, 60.1], [25.0, 60.1], [25.0, 60.2], [24.9, 60.2], [24.9, 60.1]]
    ],
}


def test_a_polygon_becomes_a_multipolygon_in_wgs84():
    polygon = parse_polygon(SQUARE)
    assert polygon.geom_type == "MultiPolygon"
    assert polygon.srid == 4326


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"type": "Point", "coordinates": [24.9, 60.1]}, "must be a Polygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [24.9, 60.1],
                        [25.0, 60.2],
                        [25.0, 60.1],
                        [24.9, 60.2],
                        [24.9, 60.1],
                    ]
                ],
            },
            "Self-intersection",
        ),
        (
            {"type": "Polygon", "coordinates": [[[24.9, 60.1], [25.0, 95]]]},
            "valid GeoJSON",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[24.9, 60.1], [25.0, 95], [25, 60], [24.9, 60.1]]],
            },
            "out of range",
        ),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ([1, 2], "must be a GeoJSON geometry object"),
    ],
)
def test_bad_polygons_are_refused(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_polygon(value)


def test_a_huge_polygon_is_refused_before_it_is_checked():
    n = MAX_POLYGON_VERTICES + 10
    ring = [[24.9 + 0.1 * i / n, 60.1] for i in range(n)] + [[25.0, 60.2], [24.9, 60.1]]
    with pytest.raises(GeometryTooLargeError, match="vertices"):
        parse_polygon({"type": "Polygon", "coordinates": [ring]})


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            '{"type": "Polygon", "coordinates": '
            "[[[NaN, 1], [2, 3], [4, 5], [NaN, 1]]]}",
            "not finite",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[1e999, 1], [2, 3], [1e999, 1]]]}',
            "not finite",
        ),
        (
            '{"type": "Polygon", "coordinates": ' + "[" * 3000 + "]" * 3000 + "}",
            "nested more than",
        ),
        # As parsed GeoJSON: a NaN is no number GEOS can place, an infinity
        # no finite coordinate.
        (
            {
                "type": "Polygon",
                "coordinates": [[[1, 1], [math.nan, 3], [4, 5], [1, 1]]],
            },
            "Invalid Coordinate",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[1, 1], [math.inf, 3], [4, 5], [1, 1]]],
            },
            "not finite",
        ),
    ],
)
def test_non_finite_and_deeply_nested_geometries_are_refused(value, words):
    with pytest.raises(ValidationError, match=words):
        parse_polygon(value)


def test_a_deeply_nested_collection_is_refused_before_shapely_reads_it():
    square = {
        "type": "Polygon",
        "coordinates": [[[24.9, 60.1], [24.95, 60.1], [24.95, 60.15], [24.9, 60.1]]],
    }
    deep = square
    for _ in range(3000):
        deep = {"type": "GeometryCollection", "geometries": [deep]}
    with pytest.raises(ValidationError, match="nested more than 12"):
        parse_polygon(deep)
