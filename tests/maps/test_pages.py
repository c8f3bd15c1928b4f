import json

import pytest

from districts.models import District, Population

pytestmark = pytest.mark.django_db


def map_config(response):
    html = response.content.decode()
    start = html.index('<script id="piiri-map-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    ("path", "lang", "nav_label"),
    [("/fi/", "fi", "Kartta"), ("/sv/", "sv", "Karta"), ("/en/", "en", "Map")],
)
def test_map_page_answers_in_the_language_of_its_prefix(client, path, lang, nav_label):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f">{nav_label}</a>" in html


def test_root_answers_in_finnish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()


def test_map_page_embeds_the_eight_major_districts_with_names_in_the_language(
    client,
):
    config = map_config(client.get("/sv/"))
    features = config["areas"]
    expected = {
        a.code: a.name_sv for a in District.objects.at_level("major_district").on_land()
    }
    assert {f["properties"]["code"]: f["properties"]["name"] for f in features} == (
        expected
    )
    assert len(features) == 8
    for feature in features:
        lon, lat = feature["properties"]["label"]
        assert 24.7 < lon < 25.3 and 60.0 < lat < 60.35
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # Simplified outlines keep the embedded page small.
    assert len(json.dumps(features)) < 150_000
    assert config["search"] == "/sv/search/"


def test_area_page_lists_population_parent_and_children(client):
    area = District.objects.get(level="district", code="301")
    latest = Population.objects.filter(district=area).order_by("-year").first()
    response = client.get("/en/areas/district/301/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{latest.population} residents at the end of {latest.year}" in html
    assert f'href="/en/areas/major_district/{area.parent.code}/"' in html
    for child in area.children.all():
        assert f'href="/en/areas/sub_district/{child.code}/"' in html
    config = map_config(response)
    assert config["focus"] == "district:301"
    assert len(config["areas"]) == 1 + area.children.count()


@pytest.mark.parametrize("path", ["/fi/areas/nowhere/1/", "/fi/areas/district/99999/"])
def test_unknown_area_is_404(client, path):
    assert client.get(path).status_code == 404


def test_search_finds_areas_by_swedish_name_with_the_bbox_to_jump_to(client):
    response = client.get("/fi/search/", {"q": "Berghäll", "format": "json"})
    places = response.json()["places"]
    assert places[0]["name"] == "Kallio"
    assert places[0]["names"]["sv"] == "Berghäll"
    west, south, east, north = places[0]["bbox"]
    assert 24.9 < west < east < 25.1 and 60.1 < south < north < 60.25
    assert places[0]["url"].startswith("/fi/areas/")


def test_search_page_without_javascript_links_to_area_pages(client):
    response = client.get("/en/search/", {"q": "Kallio"})
    assert 'href="/en/areas/district/301/"' in response.content.decode()
    response = client.get("/en/search/", {"q": "Atlantis"})
    assert "No places found." in response.content.decode()


def test_list_view_links_every_area_on_land(client):
    html = client.get("/fi/list/").content.decode()
    for area in District.objects.on_land():
        assert f'href="/fi/areas/{area.level}/{area.code}/"' in html
