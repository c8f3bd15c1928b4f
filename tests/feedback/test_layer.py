"""The feedback layer: official areas through the stored links, custom
areas matched at query time, the category and status filters, and one
query per tile."""

import pytest

from bench.common import tile_of
from districts.services import custom_area_create
from feedback.models import Feedback
from geo.params import parse_polygon
from tests import places

pytestmark = pytest.mark.django_db


def ids(client, **params):
    response = client.get("/ogc/collections/feedback/items", {"limit": 1000, **params})
    assert response.status_code == 200, response.content
    return {f["properties"]["service_request_id"] for f in response.json()["features"]}


def test_official_and_custom_areas_select_the_feedback_in_them(client, planner):
    vallila = set(
        Feedback.objects.filter(
            areas__level="sub_district", areas__code="220"
        ).values_list("service_request_id", flat=True)
    )
    assert vallila and ids(client, area="sub_district:220") == vallila
    drawn = custom_area_create(
        actor=planner,
        name_fi="Asema-aukion ympäristö",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION, half_side=0.004)),
        is_public=True,
    )
    inside = ids(client, custom_area=drawn.pk)
    expected = set(
        Feedback.objects.filter(location__intersects=drawn.boundary).values_list(
            "service_request_id", flat=True
        )
    )
    assert inside == expected and inside


def test_category_and_status_filters(client):
    potholes = ids(client, service_code="171")
    assert len(potholes) == 183
    assert len(ids(client, service_code="171,176")) == 183 + 26
    assert len(ids(client, status="open")) == 12
    response = client.get("/ogc/collections/feedback/items", {"service_code": "x"})
    assert response.status_code == 400
    assert "Unknown service_code 'x'" in response.json()["detail"]


def test_a_tile_is_one_query(client, django_assert_num_queries):
    z, x, y = tile_of(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y, 13)
    with django_assert_num_queries(1):
        response = client.get(f"/tiles/feedback/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
