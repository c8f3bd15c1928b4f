"""The items page of a layer everyone sees alike is one statement compiled
once per process (maps.ogc.compiled_page): the same answer as the ORM's
path, which every other request keeps."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.services.cases import case_create
from geo.geojson import feature_page
from geo.points import point_at
from maps.layers import get_layer
from maps.ogc import _compiled_page, selected_rows

pytestmark = pytest.mark.django_db

CENTRE = "24.90,60.15,24.99,60.20"
CITY = "24.78,59.92,25.28,60.31"
SEA = "24.0,59.5,24.1,59.6"
# No width: a line from south to north through the centre.
LINE = "24.94,60.16,24.94,60.18"
ITEMS = "/ogc/collections/cases/items"


@pytest.fixture(autouse=True)
def no_kept_counts():
    caches["counts"].clear()
    yield
    caches["counts"].clear()


def orm_page(name, params):
    """The page as the ORM path builds it (maps.ogc.selected_rows)."""
    layer = get_layer(name)
    query = QueryDict(mutable=True)
    query.update(params)
    page = feature_page(
        selected_rows(layer, query, AnonymousUser()),
        geometry=layer.geometry,
        properties=layer.properties,
        id_field=layer.id_field,
        offset=int(params.get("offset", 0)),
        limit=int(params.get("limit", 100)),
        count=params.get("count", "true") == "true",
    )
    return json.loads(page.features), page.matched, page.returned


def served(client, name, params):
    """The page the view answers, whether its statement was the compiled
    one, and the SQL it ran."""
    caches["counts"].clear()
    hits = _compiled_page.cache_info().hits + _compiled_page.cache_info().misses
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/ogc/collections/{name}/items", params)
    assert response.status_code == 200, response.content[:300]
    used = _compiled_page.cache_info().hits + _compiled_page.cache_info().misses
    return response.json(), used > hits, [q["sql"] for q in captured]


def assert_same_as_orm(client, name, params):
    body, compiled, _ = served(client, name, params)
    assert compiled
    features, matched, returned = orm_page(name, params)
    assert body["features"] == features
    assert body.get("numberMatched") == matched
    assert body["numberReturned"] == returned == len(features)
    return body


@pytest.mark.parametrize("name", ["cases", "facilities", "districts"])
@pytest.mark.parametrize("bbox", [CENTRE, CITY, SEA, LINE, None])
def test_a_compiled_page_is_the_orm_page(client, name, bbox):
    params = {"bbox": bbox} if bbox else {}
    assert_same_as_orm(client, name, {**params, "limit": "1000"})
    assert_same_as_orm(client, name, {**params, "limit": "5", "offset": "3"})
    assert_same_as_orm(client, name, {**params, "limit": "7", "count": "false"})


def test_the_compiled_page_keeps_to_its_bbox(client):
    city = assert_same_as_orm(client, "facilities", {"bbox": CITY, "limit": "1000"})
    centre = assert_same_as_orm(client, "facilities", {"bbox": CENTRE, "limit": "1000"})
    assert 0 < centre["numberMatched"] < city["numberMatched"]
    west, south, east, north = (float(v) for v in CENTRE.split(","))
    for feature in centre["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert west <= lon <= east and south <= lat <= north
    sea = assert_same_as_orm(client, "facilities", {"bbox": SEA})
    assert sea["numberMatched"] == sea["numberReturned"] == 0
    assert sea["features"] == []


def test_the_compiled_page_keeps_to_its_limit_and_offset(client):
    first = assert_same_as_orm(client, "facilities", {"bbox": CITY, "limit": "4"})
    assert first["numberReturned"] == 4 < first["numberMatched"]
    second = assert_same_as_orm(
        client, "facilities", {"bbox": CITY, "limit": "4", "offset": "4"}
    )
    both = assert_same_as_orm(client, "facilities", {"bbox": CITY, "limit": "8"})
    assert first["features"] + second["features"] == both["features"]
    assert {link["rel"] for link in second["links"]} >= {"next", "prev"}


def corner_outside_the_box(bbox):
    """A point in the bbox's bounding box in the storage CRS, not in the
    bbox itself: a lon/lat box is no rectangle there, so ``&&`` alone
    would take it in."""
    west, south, east, north = (float(v) for v in bbox.split(","))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH e AS (SELECT ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s,
                                                           4326), 3067) AS g),
                 p AS (SELECT ST_SetSRID(ST_Point(ST_XMin(g) + 1,
                                                  ST_YMin(g) + 1), 3067) AS g
                       FROM e)
            SELECT ST_X(ST_Transform(p.g, 4326)), ST_Y(ST_Transform(p.g, 4326)),
                   ST_Intersects(p.g, e.g), p.g && e.g
            FROM p, e
            """,
            [west, south, east, north],
        )
        lon, lat, inside, box_hit = cursor.fetchone()
    assert box_hit and not inside
    return lon, lat


def test_a_feature_at_the_edge_is_judged_by_the_exact_test(client):
    lon, lat = corner_outside_the_box(CENTRE)
    outside = case_create(
        title_fi="Laatikon kulmassa", location=point_at(lon=lon, lat=lat)
    )
    west, south, _, _ = (float(v) for v in CENTRE.split(","))
    # Exactly on the box's south-west corner, in lon/lat.
    corner = case_create(title_fi="Kulmalla", location=point_at(lon=west, lat=south))
    body = assert_same_as_orm(client, "cases", {"bbox": CENTRE, "limit": "1000"})
    ids = {feature["id"] for feature in body["features"]}
    assert outside.id not in ids
    assert len(ids) > 1
    # Whether the corner's own case is in is the transform's rounding; the
    # compiled page only has to agree with the ORM's.
    assert (corner.id in ids) == any(f["id"] == corner.id for f in body["features"])
    around = f"{lon - 0.01},{lat - 0.01},{lon + 1e-6},{lat + 1e-6}"
    near = assert_same_as_orm(client, "cases", {"bbox": around, "limit": "1000"})
    assert outside.id in {feature["id"] for feature in near["features"]}


def test_filtered_and_private_pages_keep_the_orm_path(client, resident):
    for name, params in [
        ("cases", {"bbox": CITY, "status": "decided"}),
        ("cases", {"bbox": CITY, "datetime": "2020-01-01/.."}),
        ("cases", {"bbox": CITY, "filter": "status = 'decided'"}),
        ("facilities", {"bbox": CITY, "area": "district:101"}),
        ("initiatives", {"bbox": CITY}),
    ]:
        body, compiled, sql = served(client, name, params)
        assert not compiled, (name, params)
        assert not any("ST_MakeEnvelope" in q for q in sql)
    body, _, _ = served(client, "cases", {"bbox": CITY, "status": "decided"})
    statuses = {f["properties"]["status"] for f in body["features"]}
    assert statuses == {"decided"}


def test_the_data_version_is_read_in_the_page_statement(client):
    caches["counts"].clear()
    with CaptureQueriesContext(connection) as first:
        counted = client.get(ITEMS, {"bbox": CENTRE, "limit": "5"}).json()
    # The page beside the version, then the count under that version.
    page, count = (q["sql"] for q in first)
    assert "data_version" in page and "ST_MakeEnvelope" in page
    assert "data_version" not in count and count.startswith("SELECT count(*)")
    with CaptureQueriesContext(connection) as again:
        kept = client.get(ITEMS, {"bbox": CENTRE, "limit": "5", "offset": "5"}).json()
    assert len(again) == 1
    assert kept["numberMatched"] == counted["numberMatched"] > 5
    case_create(title_fi="Uusi", location=point_at(lon=24.95, lat=60.17))
    after = client.get(ITEMS, {"bbox": CENTRE, "limit": "5"}).json()
    assert after["numberMatched"] == counted["numberMatched"] + 1


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("1,2,3", "Parameter 'bbox' must be four numbers: west,south,east,north."),
        ("a,b,c,d", "Parameter 'bbox' must be four numbers: west,south,east,north."),
        ("24,61,25,60", "Parameter 'bbox' is inverted"),
        ("24,60,25,nan", "Parameter 'bbox' must be finite."),
        ("24,60,25,95", "Latitude 95.0 is out of range"),
    ],
)
def test_a_bad_bbox_is_still_a_400(client, bbox, message):
    response = client.get("/ogc/collections/cases/items", {"bbox": bbox})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_another_bbox_crs_is_still_a_400(client):
    response = client.get(
        "/ogc/collections/cases/items", {"bbox": CENTRE, "bbox-crs": "EPSG:3067"}
    )
    assert response.status_code == 400
    assert "Only bbox-crs CRS84 is supported." in response.content.decode()
