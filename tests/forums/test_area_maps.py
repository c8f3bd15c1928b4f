"""The coordinator's drawing page, and the maps on the forum and meeting
pages residents read."""

import json

import pytest
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from districts.models import AuditLog, CustomArea
from tests import places
from tests.districts.test_roles import across_the_border_of
from tests.forums.test_pages import csrf_token

pytestmark = pytest.mark.django_db

NEW = "/fi/coordinator/areas/new"


def map_config(page):
    return page.context["config"]


def post_area(client, boundary, **fields):
    token = csrf_token(client, NEW)
    data = {
        "name_fi": "Aseman ympäristö",
        "boundary": json.dumps(boundary),
        "csrfmiddlewaretoken": token,
        **fields,
    }
    return client.post(NEW, data)


def test_the_drawing_map_outlines_the_coordinators_areas(signed_in, district):
    page = signed_in.get(NEW)
    assert page.status_code == 200
    config = map_config(page)
    assert config["draw"] == {"field": "id_boundary", "language": "fi"}
    [outline] = config["areas"]
    eteläinen = district("major_district", "1")
    assert outline["properties"]["name"] == str(eteläinen)
    # The outline is Eteläinen in lon/lat: the railway station lies in it.
    station = places.RAILWAY_STATION.transform(4326, clone=True)
    assert shape(outline["geometry"]).contains(ShapelyPoint(station.x, station.y))
    assert b'id="piiri-area-map-config"' in page.content


def test_a_public_area_drawn_inside_is_saved_and_shown(signed_in, coordinator):
    square = places.square(places.RAILWAY_STATION, 0.001)
    response = post_area(signed_in, square, is_public="on", name_en="Station")
    area = CustomArea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fi/custom-areas/{area.pk}/"
    assert (area.is_public, area.owner, area.name_en) == (True, coordinator, "Station")
    assert shape(square).equals_exact(
        shape(json.loads(area.boundary.transform(4326, clone=True).geojson)).geoms[0],
        tolerance=1e-6,
    )


def test_a_public_area_across_the_border_is_refused_with_the_rule(signed_in, district):
    logged = AuditLog.objects.count()
    response = post_area(signed_in, across_the_border_of(district), is_public="on")
    assert response.status_code == 403
    errors = response.context["form"].errors["boundary"]
    assert any("kokonaan jonkin alueesi sisällä" in error for error in errors)
    assert CustomArea.objects.count() == 0
    assert AuditLog.objects.count() == logged
    # Kept private, the same boundary only needs to touch the area.
    private = post_area(signed_in, across_the_border_of(district))
    assert private.status_code == 302
    assert not CustomArea.objects.get().is_public


@pytest.mark.parametrize(
    "boundary, message",
    [
        ("not json", "not a GeoJSON polygon"),
        ("[" * 5000 + "]" * 5000, "nested"),
        ('{"type": "Point", "coordinates": [24.94, 60.17]}', "Polygon or MultiPolygon"),
        ("", "This field is required"),
    ],
)
def test_a_bad_boundary_is_a_400_naming_the_field(signed_in, boundary, message):
    url = NEW.replace("/fi/", "/en/")
    token = csrf_token(signed_in, url)
    response = signed_in.post(
        url, {"name_fi": "X", "boundary": boundary, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["boundary"])
    assert message in errors
    assert CustomArea.objects.count() == 0


def test_residents_do_not_draw_here(client, resident):
    client.force_login(resident)
    assert client.get(NEW).status_code == 403


def test_the_forum_page_shows_its_area_on_a_map(client, kluuvi_forum, district):
    page = client.get(f"/fi/forums/{kluuvi_forum.pk}/")
    config = map_config(page)
    [outline] = config["areas"]
    kluuvi = district("sub_district", "020")
    assert outline["properties"]["name"] == str(kluuvi)
    station = places.RAILWAY_STATION.transform(4326, clone=True)
    assert shape(outline["geometry"]).contains(ShapelyPoint(station.x, station.y))
    assert config["point"] is None and config["draw"] is None


def test_the_meeting_page_marks_the_venue(client, kluuvi_forum, meeting_in, library_at):
    library = library_at(places.RAILWAY_STATION)
    meeting = meeting_in(kluuvi_forum, venue_facility=library)
    config = map_config(client.get(f"/fi/meetings/{meeting.pk}/"))
    station = places.RAILWAY_STATION.transform(4326, clone=True)
    assert config["point"] == [round(station.x, 6), round(station.y, 6)]
