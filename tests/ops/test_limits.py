"""Every limit the README promises, shown: body size on every endpoint,
text lengths and characters, CSV cells, the polygon query's media type,
CSRF and export rate, page sizes and private tiles."""

import csv
import io
import json

import pytest
from django.test import Client

from cases.models import Case
from cases.services.links import areas_link
from districts.models import CustomArea
from forums.models import Forum
from tests import places
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CUSTOM_AREAS = "/api/v1/custom-areas/"
QUERY = "/api/v1/query"


def area_body(**fields):
    return {
        "name_fi": "Alue",
        "boundary": places.square(places.MALMI_AIRPORT),
        **fields,
    }


def test_a_3_mb_description_is_refused_before_drf_reads_it(client, planner):
    client.force_login(planner)
    response = client.post(
        CUSTOM_AREAS,
        json.dumps(area_body(description="x" * 3_000_000)),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "at most 2621440" in response.json()["detail"]
    assert not CustomArea.objects.exists()


def test_text_fields_have_a_maximum_length(client, planner):
    client.force_login(planner)
    response = client.post(
        CUSTOM_AREAS, area_body(description="x" * 20_000), "application/json"
    )
    assert response.status_code == 400
    assert "description" in response.json()
    assert not CustomArea.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused_in_json_and_forms(
    client, coordinator, character
):
    client.force_login(coordinator)
    body = {"title": f"Foorumi{character}", "area": "sub_district:020"}
    response = client.post("/api/v1/forums/", body, "application/json")
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]
    page = client.post("/coordinator/forums/new", body)
    assert page.status_code == 400
    assert "control character" in page.content.decode()
    assert not Forum.objects.exists()


def test_tab_and_new_line_are_text(client, planner):
    client.force_login(planner)
    response = client.post(
        CUSTOM_AREAS, area_body(description="one\ttwo\nthree"), "application/json"
    )
    assert response.status_code == 201, response.content
    assert CustomArea.objects.get().description == "one\ttwo\nthree"


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client):
    case = Case.objects.create(
        title_fi='=HYPERLINK("http://example.org","x")', location=places.RAILWAY_STATION
    )
    areas_link(Case, [case.pk])
    export = client.post(
        f"{QUERY}?format=csv",
        {"area": "sub_district:020", "collections": ["cases"]},
        "application/json",
    )
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    titles = [row["title_fi"] for row in rows]
    assert '\'=HYPERLINK("http://example.org","x")' in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


def test_the_polygon_query_takes_json_only(client):
    response = client.post(
        QUERY, json.dumps({"area": "sub_district:020"}), content_type="text/plain"
    )
    assert response.status_code == 400
    assert "application/json" in response.json()["detail"]


def test_the_polygon_query_checks_csrf_for_session_callers(planner):
    strict = Client(enforce_csrf_checks=True)
    body = {"area": "sub_district:020", "collections": ["cases"]}
    assert strict.post(QUERY, body, "application/json").status_code == 200
    strict.force_login(planner)
    refused = strict.post(QUERY, body, "application/json")
    assert refused.status_code == 403
    token = strict.post(
        "/api/v1/auth/token", {"username": "planner", "password": PASSWORD}
    )
    strict.logout()
    with_token = strict.post(
        QUERY,
        body,
        "application/json",
        HTTP_AUTHORIZATION=f"Token {token.json()['token']}",
    )
    assert with_token.status_code == 200


def test_exports_have_their_own_lower_rate(client):
    body = {"area": "sub_district:020", "collections": ["forums"]}
    statuses = [
        client.post(f"{QUERY}?format=csv", body, "application/json").status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    # The JSON answer is still served: the export limit is separate.
    assert client.post(QUERY, body, "application/json").status_code == 200


def test_a_page_has_a_maximum_size_and_a_bounded_offset(client):
    page = client.get("/api/v1/areas/", {"limit": 100_000})
    assert page.status_code == 200
    assert len(page.json()["results"]) <= 1000
    assert page.json()["count"] > 0
    far = client.get("/api/v1/areas/", {"offset": "99999999999999999999"})
    assert far.status_code == 400
    assert "offset" in far.json()["detail"]


def test_a_tile_filtered_by_custom_area_is_never_public(client, planner):
    from districts.services import custom_area_create
    from geo.params import parse_polygon

    area = custom_area_create(
        actor=planner,
        name_fi="Julkinen",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION, 0.01)),
        is_public=True,
    )
    tile = client.get("/tiles/cases/14/9326/4741.pbf", {"custom_area": area.pk})
    assert tile.status_code in (200, 204)
    assert tile["Cache-Control"] == "private, no-cache"
    unfiltered = client.get("/tiles/cases/14/9326/4741.pbf")
    assert unfiltered["Cache-Control"].startswith("public")


def test_a_malformed_content_length_is_a_400(client):
    response = client.post(
        QUERY, "{}", content_type="application/json", CONTENT_LENGTH="12abc"
    )
    assert response.status_code == 400
    assert "Content-Length" in response.json()["detail"]
