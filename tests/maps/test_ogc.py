import json

import pytest
from django.contrib.auth import get_user_model
from shapely.geometry import Point, shape

from districts.models import CustomArea
from geo.points import point_at
from tests import places

pytestmark = pytest.mark.django_db

OGC = "/ogc"
HELSINKI = (24.78, 59.92, 25.28, 60.31)  # west, south, east, north, with sea


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return response


def coordinates(geometry):
    stack = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if isinstance(item[0], (int, float)):
            yield item
        else:
            stack.extend(item)


def test_the_landing_page_links_the_api_description_conformance_and_data(client):
    body = get_json(client, f"{OGC}/").json()
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert (
        rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    )
    api = client.get(rels["service-desc"]["href"])
    assert api["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert api.json()["openapi"].startswith("3.0")


def test_json_is_the_answer_to_accept_anything(client):
    response = client.get(f"{OGC}/collections", HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json"
    assert client.get(f"{OGC}/collections", {"f": "json"}).status_code == 200


def test_conformance_claims_core_geojson_openapi_and_cql2_spatial_only(client):
    classes = get_json(client, f"{OGC}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    assert "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text" in classes
    # A comparison is always <queryable> <op> <literal>: basic-cql2, which
    # also compares two properties or two literals, is not claimed.
    assert "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2" not in classes


def test_collections_describe_each_area_level_with_a_crs84_extent(client):
    body = get_json(client, f"{OGC}/collections").json()
    by_id = {c["id"]: c for c in body["collections"]}
    assert {
        "major-districts",
        "districts",
        "sub-districts",
        "neighbourhoods",
        "custom-areas",
    } <= set(by_id)
    districts = by_id["districts"]
    assert districts["itemType"] == "feature"
    (bbox,) = districts["extent"]["spatial"]["bbox"]
    west, south, east, north = bbox
    # Helsinki, lon/lat: Östersundom reaches past 25.19 E, the sea south of
    # 60.0 N.
    assert 24.7 < west < 24.85 and 25.19 < east < 25.3
    assert 59.9 < south < 60.1 and 60.25 < north < 60.32
    assert {link["rel"] for link in districts["links"]} >= {"self", "items"}


def test_items_are_geojson_in_lon_lat_with_counts_and_a_time_stamp(client):
    response = get_json(client, f"{OGC}/collections/sub-districts/items", limit=200)
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["numberMatched"] == 148
    assert body["numberReturned"] == 148
    assert body["timeStamp"].endswith("+00:00")
    for feature in body["features"]:
        for lon, lat in coordinates(feature["geometry"]):
            assert HELSINKI[0] < lon < HELSINKI[2]
            assert HELSINKI[1] < lat < HELSINKI[3]
    kluuvi = next(f for f in body["features"] if f["id"] == "020")
    assert kluuvi["properties"]["name_fi"] == "Kluuvi"
    assert kluuvi["properties"]["parent_code"] == "101"
    assert shape(kluuvi["geometry"]).contains(
        Point(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y)
    )


def test_pages_link_to_the_next_and_previous_page(client):
    url = f"{OGC}/collections/districts/items"
    first = get_json(client, url, limit=10).json()
    rels = {link["rel"]: link["href"] for link in first["links"]}
    assert "prev" not in rels
    seen = [f["id"] for f in first["features"]]
    page = first
    while "next" in {link["rel"] for link in page["links"]}:
        href = next(link["href"] for link in page["links"] if link["rel"] == "next")
        page = client.get(href).json()
        seen += [f["id"] for f in page["features"]]
        assert "prev" in {link["rel"] for link in page["links"]}
    assert len(seen) == len(set(seen)) == first["numberMatched"] == 34


def test_bbox_selects_the_areas_it_touches(client):
    # Around the railway station: Kluuvi and its neighbours only.
    body = get_json(
        client,
        f"{OGC}/collections/sub-districts/items",
        bbox="24.940,60.170,24.943,60.172",
    ).json()
    assert [f["id"] for f in body["features"]] == ["020"]


def test_area_filter_selects_areas_inside_an_official_area(client):
    body = get_json(
        client, f"{OGC}/collections/sub-districts/items", area="district:101"
    ).json()
    # Vironniemi: Kruununhaka, Kluuvi, Katajanokka; its neighbours only touch.
    assert sorted(f["id"] for f in body["features"]) == ["010", "020", "080"]


def test_one_feature_by_its_id(client):
    feature = get_json(client, f"{OGC}/collections/major-districts/items/1").json()
    assert feature["type"] == "Feature"
    assert feature["properties"]["name_fi"] == "Eteläinen"
    assert {link["rel"] for link in feature["links"]} == {"self", "collection"}


def test_cql2_spatial_filters_select_by_geometry(client):
    url = f"{OGC}/collections/sub-districts/items"
    at_station = get_json(
        client, url, filter="S_INTERSECTS(geometry, POINT(24.9414 60.1710))"
    ).json()
    assert [f["id"] for f in at_station["features"]] == ["020"]
    box = "POLYGON((24.90 60.15, 25.00 60.15, 25.00 60.19, 24.90 60.19, 24.90 60.15))"
    inside = get_json(
        client, url, **{"filter-lang": "cql2-text"}, filter=f"S_WITHIN(geometry, {box})"
    ).json()
    touching = get_json(client, url, filter=f"S_INTERSECTS(geometry, {box})").json()
    assert 0 < inside["numberMatched"] < touching["numberMatched"]
    both = get_json(
        client, url, filter=f"S_INTERSECTS(geometry, {box}) AND parent_code = '101'"
    ).json()
    assert sorted(f["id"] for f in both["features"]) == ["010", "020", "080"]


@pytest.fixture
def custom_areas():
    owner = get_user_model().objects.create_user("planner")
    other = get_user_model().objects.create_user("resident")
    square = point_at(lon=24.94, lat=60.17).buffer(0.01)
    from django.contrib.gis.geos import MultiPolygon

    boundary = MultiPolygon(square, srid=4326)
    public = CustomArea.objects.create(
        name_fi="Julkinen", boundary=boundary, owner=owner, is_public=True
    )
    private = CustomArea.objects.create(
        name_fi="Oma", boundary=boundary, owner=owner, is_public=False
    )
    return owner, other, public, private


def test_private_custom_areas_are_seen_only_by_their_owner(client, custom_areas):
    owner, other, public, private = custom_areas
    url = f"{OGC}/collections/custom-areas/items"
    assert [f["id"] for f in client.get(url).json()["features"]] == [public.id]
    client.force_login(other)
    assert [f["id"] for f in client.get(url).json()["features"]] == [public.id]
    assert client.get(f"{url}/{private.id}").status_code == 404
    client.force_login(owner)
    assert [f["id"] for f in client.get(url).json()["features"]] == [
        public.id,
        private.id,
    ]


def test_custom_area_filter_selects_what_lies_in_it(client, custom_areas):
    _, _, public, private = custom_areas
    url = f"{OGC}/collections/sub-districts/items"
    body = get_json(client, url, custom_area=public.id).json()
    assert "020" in {f["id"] for f in body["features"]}
    response = client.get(url, {"custom_area": private.id})
    assert response.status_code == 400
    assert "custom area" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "24.9,60.1,25.0"}, "four numbers"),
        ({"bbox": "24.9,60.2,25.0,60.1"}, "inverted"),
        ({"bbox": "24.9,60.1,25.0,91"}, "Latitude 91.0"),
        ({"limit": "10001"}, "at most 10000"),
        ({"limit": "0"}, "at least 1"),
        ({"limit": "ten"}, "whole number"),
        ({"filter": "S_CROSSES(geometry, POINT(24.9 60.1))"}, "not supported"),
        (
            {"filter": "S_INTERSECTS(geometry, POLYGON((24.9 60.1, 25 60.1"},
            "unbalanced",
        ),
        ({"filter": "name_fi LIKE 3"}, "LIKE compares text"),
        ({"filter": "nope = 'x'"}, "not a queryable"),
        (
            {
                "filter": "S_INTERSECTS(geometry, POLYGON((24.9 60.1, 25 60.2, "
                "25 60.1, 24.9 60.2, 24.9 60.1)))"
            },
            "not a valid geometry",
        ),
        ({"filter": "S_INTERSECTS(geometry, POINT(24.9 95))"}, "Latitude 95.0"),
        ({"filter": "x = 1", "filter-lang": "cql2-json"}, "cql2-text"),
        ({"area": "district"}, "<level>:<code>"),
        ({"area": "county:1"}, "Unknown level 'county'"),
        ({"datetime": "yesterday"}, "RFC 3339"),
        ({"f": "xml"}, "f=json"),
    ],
)
def test_bad_item_parameters_answer_400_with_a_message(client, params, message):
    response = client.get(f"{OGC}/collections/sub-districts/items", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_an_oversize_filter_polygon_is_refused_before_it_is_parsed(client):
    ring = ", ".join(f"24.9 60.{i:05d}" for i in range(30_000))
    response = client.get(
        f"{OGC}/collections/sub-districts/items",
        {"filter": f"S_INTERSECTS(geometry, POLYGON(({ring})))"},
    )
    assert response.status_code == 413
    assert "vertices" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"{OGC}/collections/counties",
        f"{OGC}/collections/counties/items",
        f"{OGC}/collections/districts/items/999",
        f"{OGC}/collections/custom-areas/items/abc",
        "/tiles/counties/1/0/0.pbf",
    ],
)
def test_unknown_collections_and_features_answer_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert json.loads(response.content)["detail"]


def test_unknown_areas_in_filters_answer_400(client):
    # A filter value, not a path: tests/districts/test_area_refs.py has the
    # answer of every surface.
    response = client.get(
        f"{OGC}/collections/sub-districts/items", {"area": "district:999"}
    )
    assert response.status_code == 400
    assert "no district has the code '999'" in response.json()["detail"]


def test_the_api_description_is_valid_openapi_3_0(client):
    from openapi_spec_validator import validate

    document = client.get(f"{OGC}/api").json()
    validate(document)
    items = document["paths"]["/collections/{collectionId}/items"]["get"]
    limit = next(p for p in items["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10_000
    assert limit["schema"]["default"] == 100
