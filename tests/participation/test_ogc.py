"""The participation measures as an OGC API - Features collection: the
same rows as the REST API, with the areas' boundaries, for GIS users."""

import pytest
from shapely.geometry import Point, shape

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/participation/items"


def test_collection_features_equal_the_api_rows(client):
    params = {"measure": "proposals", "round": "2", "level": "district"}
    api = client.get("/api/v1/participation/", params).json()["results"]
    response = client.get(ITEMS, {**params, "limit": "100"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["numberMatched"] == 34
    by_code = {f["id"]: f for f in body["features"]}
    for row in api:
        props = by_code[row["code"]]["properties"]
        assert props["count"] == row["count"]
        assert props["per_1000"] == pytest.approx(row["per_1000"])
        assert props["population"] == row["population"]
        assert props["children_share"] == pytest.approx(row["children_share"])
    # Lon/lat boundaries: Vironniemi (101) holds Kruununhaka's market hall.
    assert shape(by_code["101"]["geometry"]).contains(Point(24.9535, 60.1700))


def test_next_links_keep_the_measure(client):
    response = client.get(
        ITEMS,
        {"measure": "proposals", "round": "1", "level": "major_district", "limit": "5"},
    )
    body = response.json()
    following = next(link for link in body["links"] if link["rel"] == "next")
    assert "measure=proposals" in following["href"]
    assert "round=1" in following["href"]
    assert body["numberMatched"] == 8


def test_one_feature_answers_for_the_period_asked(client):
    one = client.get(f"{ITEMS}/101", {"measure": "proposals", "round": "1"}).json()
    api = client.get("/api/v1/participation/", {"round": "1"}).json()["results"]
    assert (
        one["properties"]["count"]
        == next(r for r in api if r["code"] == "101")["count"]
    )


def test_bad_measure_is_400_in_the_collection(client):
    response = client.get(ITEMS, {"measure": "likes"})
    assert response.status_code == 400
    assert "Unknown measure" in response.json()["measure"][0]


def test_the_polygon_query_leaves_the_statistic_out(client):
    from tests.places import RAILWAY_STATION, square

    response = client.post(
        "/api/v1/query", square(RAILWAY_STATION), content_type="application/json"
    )
    assert response.status_code == 200
    assert "participation" not in response.json()["counts"]
