import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea

pytestmark = pytest.mark.django_db


def _area(owner, *, is_public, bbox=(24.93, 60.165, 24.95, 60.175)):
    polygon = Polygon.from_bbox(bbox)
    return CustomArea.objects.create(
        name_fi="Rajattu alue",
        owner=owner,
        is_public=is_public,
        boundary=MultiPolygon(polygon, srid=4326),
    )


@pytest.fixture
def users():
    user_model = get_user_model()
    return (
        user_model.objects.create_user("planner", password="x"),
        user_model.objects.create_user("other", password="x"),
    )


def test_facility_list_filters_by_official_area(client):
    response = client.get("/api/v1/facilities/", {"area": "district:602"})
    assert response.status_code == 200
    body = response.json()
    expected = Facility.objects.filter(areas__level="district", areas__code="602")
    assert body["count"] == expected.count() > 0
    first = body["results"][0]
    assert {"level": "district", "code": "602"} in [
        {"level": a["level"], "code": a["code"]} for a in first["areas"]
    ]
    lon, lat = first["location"]["coordinates"]
    assert 24.8 < lon < 25.3 and 60.1 < lat < 60.35


def test_facility_detail_shows_names_kind_and_areas(client):
    facility = Facility.objects.get(name_fi="Leikkipuisto Hilleri")
    body = client.get(f"/api/v1/facilities/{facility.pk}/").json()
    assert body["kind"] == "playpark"
    assert body["name_sv"] == "Lekparken Illern"
    assert ("sub_district", "431") in {(a["level"], a["code"]) for a in body["areas"]}
    assert body["location"]["type"] == "Point"


def test_case_list_by_status_text_and_area(client):
    body = client.get(
        "/api/v1/cases/", {"q": "Laajasalo", "status": "pending", "limit": 5}
    ).json()
    assert (
        body["count"]
        == Case.objects.filter(
            title_fi__icontains="Laajasalo", status="pending"
        ).count()
        > 0
    )
    assert len(body["results"]) <= 5
    body = client.get("/api/v1/cases/", {"area": "neighbourhood:49"}).json()
    assert body["count"] > 0
    assert all(
        ("neighbourhood", "49") in {(a["level"], a["code"]) for a in case["areas"]}
        for case in body["results"]
    )


def test_proposal_list_by_round_and_status(client):
    body = client.get("/api/v1/proposals/", {"round": "2", "status": "selected"}).json()
    assert (
        body["count"]
        == BudgetProposal.objects.filter(round=2, status="selected").count()
        > 0
    )
    result = body["results"][0]
    assert result["round"] == 2 and result["status"] == "selected"
    detail = client.get(f"/api/v1/proposals/{result['id']}/").json()
    assert detail["title"] == result["title"]


def test_a_public_custom_area_filters_spatially_at_query_time(client, users):
    area = _area(users[0], is_public=True)
    body = client.get("/api/v1/proposals/", {"custom_area": area.pk}).json()
    expected = BudgetProposal.objects.filter(location__intersects=area.boundary)
    assert body["count"] == expected.count() > 0


def test_private_custom_areas_of_others_are_refused_as_unknown_ones(client, users):
    # A filter value naming no area the viewer may see is a 400, word for
    # word the answer to an id that does not exist.
    owner, other = users
    area = _area(owner, is_public=False)
    assert client.get("/api/v1/cases/", {"custom_area": area.pk}).status_code == 400
    client.force_login(other)
    response = client.get("/api/v1/cases/", {"custom_area": area.pk})
    missing = client.get("/api/v1/cases/", {"custom_area": 10**9})
    assert response.status_code == missing.status_code == 400
    assert response.json()["detail"] == missing.json()["detail"].replace(
        str(10**9), str(area.pk)
    )
    client.force_login(owner)
    assert client.get("/api/v1/cases/", {"custom_area": area.pk}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (
            "/api/v1/cases/",
            {"area": "sub_district:999"},
            "no sub_district has the code",
        ),
        ("/api/v1/cases/", {"area": "county:1"}, "Unknown level 'county'"),
        ("/api/v1/cases/", {"area": "020"}, "must be <level>:<code>"),
        ("/api/v1/cases/", {"status": "open"}, "Unknown status 'open'"),
        ("/api/v1/facilities/", {"kind": "castle"}, "Unknown kind 'castle'"),
        ("/api/v1/proposals/", {"round": "first"}, "Expected a round number"),
        ("/api/v1/cases/", {"custom_area": "abc"}, "whole number"),
        ("/api/v1/cases/abc/", {}, "whole number"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in str(response.json())


def test_unknown_ids_are_404(client):
    assert client.get("/api/v1/cases/999999999/").status_code == 404
    assert client.get("/api/v1/facilities/0/").status_code == 404


def test_the_schema_documents_the_item_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/cases/", "/api/v1/facilities/{id}/", "/api/v1/proposals/"):
        assert path in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {"area", "custom_area", "status", "q", "limit", "offset"} <= params
