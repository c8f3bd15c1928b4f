"""A feedback giver's contact details never reach a public surface: not an
Open311 answer (JSON, XML, with extensions), the layer, a tile, the polygon
query or its downloads, an area page, report or feed, or the feedback
pages. Each surface is also checked to show the feedback itself, so an
empty answer cannot pass."""

import json

import mapbox_vector_tile
import pytest

from bench.common import tile_of
from feedback.models import ContactDetails, Feedback
from tests import places
from tests.factories import UserFactory
from tests.feedback.conftest import post

pytestmark = pytest.mark.django_db

EMAIL = "salla.salainen@example.org"
FIRST, LAST = "Salla", "Salainen-Yksityinen"
PHONE = "+358401234567"
PRIVATE = (EMAIL, LAST, PHONE, "salla.salainen")
DESCRIPTION = "Penkki on rikki Asema-aukion laidalla."


@pytest.fixture
def given(client, api_key):
    response = post(
        client,
        api_key=api_key,
        service_code="172",
        description=DESCRIPTION,
        title="Rikottu penkki",
        email=EMAIL,
        first_name=FIRST,
        last_name=LAST,
        phone=PHONE,
        lat=places.RAILWAY_STATION.y,
        long=places.RAILWAY_STATION.x,
    )
    assert response.status_code == 201
    feedback = Feedback.objects.get(
        service_request_id=response.json()[0]["service_request_id"]
    )
    # The control: the details are stored, apart from the public record.
    contact = ContactDetails.objects.get(feedback=feedback)
    assert (contact.email, contact.last_name, contact.phone) == (EMAIL, LAST, PHONE)
    return feedback


def assert_public(content: bytes, *, shows=DESCRIPTION):
    text = content.decode("utf-8", errors="replace")
    assert shows in text
    for secret in PRIVATE:
        assert secret not in text


def surfaces(feedback):
    request_id = feedback.service_request_id
    sub = feedback.areas.get(level="sub_district")
    return {
        "open311 list": "/open311/v2/requests.json?extensions=true&service_code=172",
        "open311 list xml": "/open311/v2/requests.xml?extensions=true&status=open",
        "open311 one": f"/open311/v2/requests/{request_id}.json?extensions=true",
        "open311 one xml": f"/open311/v2/requests/{request_id}.xml?extensions=true",
        "ogc items": "/ogc/collections/feedback/items?status=open&limit=1000",
        "ogc item": f"/ogc/collections/feedback/items/{feedback.pk}",
        "item page": f"/fi/items/feedback/{feedback.pk}/",
        "item popup": f"/fi/items/feedback/{feedback.pk}/?format=json",
        "feedback list": "/en/feedback/?status=open",
        "feedback page": f"/en/feedback/{request_id}/",
        "area feed": f"/fi/areas/sub_district/{sub.code}/feed/",
    }


def test_no_get_surface_shows_the_contact_details(client, given):
    for name, url in surfaces(given).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        try:
            assert_public(
                response.content,
                shows="Rikottu penkki" if "feed" in name else DESCRIPTION,
            )
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def test_area_pages_and_reports_count_it_without_the_contact_details(client, given):
    sub = given.areas.get(level="sub_district")
    for url in (
        f"/en/areas/sub_district/{sub.code}/",
        f"/en/areas/sub_district/{sub.code}/report/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_public(response.content, shows="Vandalism")


def test_no_tile_carries_them(client, given):
    z, x, y = tile_of(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y, 15)
    for query in ("", "?status=open", "?properties=id,title"):
        response = client.get(f"/tiles/feedback/{z}/{x}/{y}.pbf{query}")
        assert response.status_code == 200
        layer = mapbox_vector_tile.decode(response.content)["feedback"]
        titles = [f["properties"].get("title") for f in layer["features"]]
        assert "Rikottu penkki" in titles
        for secret in PRIVATE:
            assert secret.encode() not in response.content


def test_the_polygon_query_and_its_downloads_leave_them_out(client, given):
    around = places.square(places.RAILWAY_STATION, half_side=0.003)
    body = json.dumps({"geometry": around, "collections": ["feedback"]})
    for fmt in ("json", "geojson", "csv", "gpkg"):
        response = client.post(
            f"/api/v1/query?format={fmt}", body, content_type="application/json"
        )
        assert response.status_code == 200, fmt
        content = b"".join(response) if response.streaming else response.content
        if fmt == "gpkg":
            # SQLite stores text as it is: a search of the bytes suffices.
            assert DESCRIPTION.encode() in content
            assert all(s.encode() not in content for s in PRIVATE)
        else:
            assert_public(content)
    counted = client.post("/api/v1/query", body, content_type="application/json").json()
    assert counted["counts"]["feedback"]["by_status"]["open"] >= 1


def test_not_even_its_giver_sees_them_on_a_public_surface(client, api_key):
    giver = UserFactory(username="salla.salainen", email=EMAIL)
    client.force_login(giver)
    feedback = Feedback.objects.get(
        service_request_id=post(
            client,
            api_key=api_key,
            service_code="172",
            description=DESCRIPTION,
            lat=places.RAILWAY_STATION.y,
            long=places.RAILWAY_STATION.x,
        ).json()[0]["service_request_id"]
    )
    assert feedback.contact.user == giver
    client.logout()
    for name, url in surfaces(feedback).items():
        if "feed" in name and "area" in name:
            continue
        response = client.get(url)
        try:
            assert_public(response.content)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error
