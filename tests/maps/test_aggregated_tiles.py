"""Point layers below settings.TILE_AGGREGATE_BELOW_ZOOM: counts per grid
cell that add up to exactly the items in the tile."""

import math
from collections import Counter
from functools import cache

import mapbox_vector_tile
import pytest
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.db import connection

from bench.common import tile_of
from bench.synthetic import STATUSES, synthetic_points
from cases.models import Case

pytestmark = pytest.mark.django_db

# Web Mercator's half width, metres: the same constant as ST_TileEnvelope.
HALF = 20037508.342789244
HELSINKI = (24.94, 60.19)
SYNTHETIC = 5000


def tile_url(collection, tile, query=""):
    z, x, y = tile
    return f"/tiles/{collection}/{z}/{x}/{y}.pbf{query}"


def bounds(tile):
    """The tile's Web Mercator bounds, computed here rather than by PostGIS."""
    z, x, y = tile
    side = 2 * HALF / 2**z
    return (
        -HALF + x * side,
        HALF - (y + 1) * side,
        -HALF + (x + 1) * side,
        HALF - y * side,
    )


def mercator(lon, lat):
    return (
        math.radians(lon) * 6378137.0,
        math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0,
    )


def in_tile(point, tile):
    """Half-open, as the tiles count: west and north edges in."""
    west, south, east, north = bounds(tile)
    return west <= point[0] < east and south < point[1] <= north


@pytest.fixture
def synthetic_cases():
    """SYNTHETIC cases (bench/synthetic.py), inserted as the bench loads
    them; their statuses cycle through every one."""
    lon, lat = synthetic_points(SYNTHETIC, seed=7)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_case (diary_number, source_id, title_fi, title_sv,
                summary_fi, summary_sv, status, department, decision_maker,
                classification, links, placement, place_names, created_at,
                updated_at, location)
            SELECT 'SYN ' || i, '', 'SYNTHETIC case ' || i, '', '', '',
                (%s::text[])[i %% 4 + 1], '', '', '', '[]', 'given', '[]',
                now(), now(),
                ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3067)
            FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
            """,
            [
                list(STATUSES),
                [round(float(v), 6) for v in lon],
                [round(float(v), 6) for v in lat],
            ],
        )


@cache
def to_wgs84():
    return CoordTransform(SpatialReference(3067), SpatialReference(4326))


def position(case):
    """Where a case is counted: a point where it is (projected here, not by
    PostGIS), anything else at the centre of its Web Mercator box."""
    if case.location.geom_type == "Point":
        return mercator(*case.location.transform(to_wgs84(), clone=True).coords)
    west, south, east, north = case.location_web.extent
    return (west + east) / 2, (south + north) / 2


def located_cases():
    rows = Case.objects.exclude(location=None).only(
        "location", "location_web", "status"
    )
    return [(position(case), case.status) for case in rows]


def cells(client, tile, query=""):
    response = client.get(tile_url("cases", tile, query))
    assert response.status_code == 200, response.content[:200]
    return mapbox_vector_tile.decode(response.content)["cases"]["features"]


@pytest.mark.parametrize("zoom", [10, 12])
@pytest.mark.parametrize("status", [None, "pending", "decided,closed"])
def test_the_counts_of_a_tile_add_up_to_the_items_in_it(
    client, synthetic_cases, zoom, status
):
    tile = tile_of(*HELSINKI, zoom)
    wanted = set(status.split(",")) if status else set(STATUSES)
    expected = Counter(
        kind
        for point, kind in located_cases()
        if in_tile(point, tile) and kind in wanted
    )
    assert sum(expected.values()) > 100
    features = cells(client, tile, f"?status={status}" if status else "")
    counts = [feature["properties"] for feature in features]
    assert sum(c["count"] for c in counts) == sum(expected.values())
    for kind in STATUSES:
        assert sum(c[f"count_{kind}"] for c in counts) == expected[kind]
    # Each cell's breakdown is its count, split.
    for c in counts:
        assert c["count"] == sum(c[f"count_{kind}"] for kind in STATUSES)
    assert 1 < len(features) <= 64
    assert all(feature["geometry"]["type"] == "Point" for feature in features)


def test_every_item_is_counted_in_exactly_one_tile_of_a_zoom(client, synthetic_cases):
    z, x0, y0 = tile_of(24.80, 60.30, 12)
    _, x1, y1 = tile_of(25.30, 60.10, 12)
    total = 0
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            response = client.get(tile_url("cases", (z, x, y)))
            if response.status_code == 204:
                continue
            features = mapbox_vector_tile.decode(response.content)["cases"]["features"]
            total += sum(f["properties"]["count"] for f in features)
    assert total == Case.objects.exclude(location=None).count() >= SYNTHETIC


def test_a_cell_is_drawn_at_its_centre_with_its_items_count(client, synthetic_cases):
    """One feature per non-empty cell of an 8x8 grid over the tile."""
    tile = tile_of(*HELSINKI, 12)
    west, south, east, north = bounds(tile)
    side = east - west
    expected = Counter()
    for (x, y), _ in located_cases():
        if in_tile((x, y), tile):
            column, row = int((x - west) / side * 8), int((north - y) / side * 8)
            expected[(column * 512 + 256, row * 512 + 256)] += 1
    # mapbox_vector_tile flips y: 0 is the south edge.
    drawn = {
        (f["geometry"]["coordinates"][0], 4096 - f["geometry"]["coordinates"][1]): f[
            "properties"
        ]["count"]
        for f in cells(client, tile)
    }
    assert drawn == dict(expected)


def test_an_aggregated_tile_over_synthetic_data_is_small(client, synthetic_cases):
    for zoom in (10, 12):
        response = client.get(tile_url("cases", tile_of(*HELSINKI, zoom)))
        assert len(response.content) < 50_000
        # Points of the same tile: the cap, not the data, bounds them.
        points = client.get(
            tile_url("cases", tile_of(*HELSINKI, zoom), "?aggregate=false")
        )
        assert len(points.content) > 4 * len(response.content)


def test_an_aggregated_tile_is_one_query(
    client, synthetic_cases, django_assert_num_queries
):
    tile = tile_of(*HELSINKI, 10)
    client.get(tile_url("cases", tile))
    with django_assert_num_queries(1):
        client.get(tile_url("cases", tile, "?status=pending"))


def test_from_the_aggregation_zoom_tiles_hold_the_points(client, synthetic_cases):
    tile = tile_of(*HELSINKI, 13)
    located = Case.objects.exclude(location=None).only("location", "location_web")
    expected = {case.pk for case in located if in_tile(position(case), tile)}
    features = cells(client, tile)
    assert len(expected) > 100
    assert expected <= {f["properties"]["id"] for f in features}
    assert all("count" not in f["properties"] for f in features)
    assert {"id", "status"} <= set(features[0]["properties"])


def test_a_client_may_ask_for_either_at_any_zoom(client, synthetic_cases):
    low = tile_of(*HELSINKI, 10)
    points = cells(client, low, "?aggregate=false&limit=50")
    assert len(points) == 50
    assert "count" not in points[0]["properties"]
    high = tile_of(*HELSINKI, 14)
    expected = sum(1 for point, _ in located_cases() if in_tile(point, high))
    assert expected > 0
    counted = cells(client, high, "?aggregate=true")
    assert sum(f["properties"]["count"] for f in counted) == expected


def test_aggregated_tiles_follow_the_zoom_setting(client, synthetic_cases, settings):
    settings.TILE_AGGREGATE_BELOW_ZOOM = 10
    features = cells(client, tile_of(*HELSINKI, 10), "?limit=10")
    assert len(features) == 10
    assert "count" not in features[0]["properties"]


@pytest.mark.parametrize(
    ("collection", "query", "message"),
    [
        ("cases", "?aggregate=yes", "must be true or false"),
        ("districts", "?aggregate=true", "not a point layer"),
    ],
)
def test_a_bad_aggregate_answers_400(client, collection, query, message):
    response = client.get(tile_url(collection, tile_of(*HELSINKI, 10), query))
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_area_layers_are_not_aggregated(client):
    response = client.get(tile_url("districts", tile_of(*HELSINKI, 10)))
    features = mapbox_vector_tile.decode(response.content)["districts"]["features"]
    assert features and all("code" in f["properties"] for f in features)


def test_tilejson_describes_the_counts(client):
    document = client.get("/tiles/cases.json").json()
    fields = document["vector_layers"][0]["fields"]
    assert fields["count"] == "Number"
    assert {f"count_{kind}" for kind in STATUSES} <= set(fields)
    assert "Below zoom 13" in document["description"]
    areas = client.get("/tiles/districts.json").json()
    assert "count" not in areas["vector_layers"][0]["fields"]


def test_a_private_layers_counts_are_private(client):
    response = client.get(tile_url("initiatives", tile_of(*HELSINKI, 10)))
    assert response["Cache-Control"] == "private, no-cache"


def test_the_api_document_describes_the_tiles_and_their_counts(client):
    document = client.get("/ogc/api").json()
    (path,) = [p for p in document["paths"] if p.endswith("/{z}/{x}/{y}.pbf")]
    operation = document["paths"][path]["get"]
    assert {"aggregate", "limit", "status", "kind"} <= {
        p["name"] for p in operation["parameters"]
    }
    assert "count_<value>" in operation["description"]
    assert "cases" in operation["description"]
    assert client.get(
        path.replace("{collectionId}", "cases").replace(
            "{z}/{x}/{y}", "/".join(map(str, tile_of(*HELSINKI, 10)))
        )
    ).status_code in (200, 204)
