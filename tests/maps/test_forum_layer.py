import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import MultiPolygon
from shapely.geometry import Point, shape

from districts.models import CustomArea, District
from forums.services import forum_create
from geo.points import point_at
from tests.factories import admin_user, planner_user
from tests.maps.test_tiles import STATION_Z14, tile_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def forums():
    admin = admin_user()
    planner = planner_user()
    vironniemi = District.objects.get(level="district", code="101")
    private_area = CustomArea.objects.create(
        name_fi="Oma alue",
        boundary=MultiPolygon(point_at(lon=25.08, lat=60.21).buffer(0.01), srid=4326),
        owner=planner,
        is_public=False,
    )
    public = forum_create(actor=admin, area=vironniemi, title="Vironniemi-foorumi")
    private = forum_create(actor=admin, area=private_area, title="Oma foorumi")
    return planner, public, private


def test_a_forum_is_drawn_as_its_area(client, forums):
    _, public, _ = forums
    body = client.get("/ogc/collections/forums/items").json()
    assert [f["properties"]["title"] for f in body["features"]] == [
        "Vironniemi-foorumi"
    ]
    feature = body["features"][0]
    assert feature["properties"]["area_code"] == "101"
    assert shape(feature["geometry"]).contains(Point(24.9414, 60.1710))


def test_a_private_areas_forum_is_seen_by_who_sees_the_area(client, forums):
    planner, _, private = forums
    client.force_login(planner)
    titles = {
        f["properties"]["title"]
        for f in client.get("/ogc/collections/forums/items").json()["features"]
    }
    assert titles == {"Vironniemi-foorumi", "Oma foorumi"}


def test_forums_have_tiles_and_count_in_polygon_queries(client, forums):
    layers = mapbox_vector_tile.decode(
        client.get(tile_url("forums", STATION_Z14)).content
    )
    assert [f["properties"]["title"] for f in layers["forums"]["features"]] == [
        "Vironniemi-foorumi"
    ]
    answer = client.post(
        "/api/v1/query",
        {"area": "sub_district:020"},
        content_type="application/json",
    ).json()
    assert answer["counts"]["forums"] == {"count": 1}
