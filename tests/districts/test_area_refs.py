"""One area reference, one answer: a bad ``area=<level>:<code>`` (or
``custom_area=<id>``, or ``level=``) is the same 400, with the same message
naming the parameter, on every surface that takes it; a URL path naming no
area is a 404 on every surface. The table is the contract
(districts.selectors: ``district_by_ref``, ``custom_area_by_id``,
``level_of``)."""

import json

import pytest

from bench.common import tile_of
from tests import places

pytestmark = pytest.mark.django_db

LEVELS = "major_district, district, sub_district, neighbourhood"


STATION_TILE = "{}/{}/{}.pbf".format(
    *tile_of(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y, 14)
)


def get(url):
    return lambda client, param, value: client.get(url, {param: value})


def post(url):
    def send(client, param, value):
        body = json.dumps({param: value, "title": "Foorumi"})
        return client.post(url, body, content_type="application/json")

    return send


# Every surface that reads an area from a request, and how it is asked.
SURFACES = {
    "cases": get("/api/v1/cases/"),
    "facilities": get("/api/v1/facilities/"),
    "proposals": get("/api/v1/proposals/"),
    "forums": get("/api/v1/forums/"),
    "ogc cases": get("/ogc/collections/cases/items"),
    "ogc sub-districts": get("/ogc/collections/sub-districts/items"),
    "ogc forums": get("/ogc/collections/forums/items"),
    "tile of cases": get(f"/tiles/cases/{STATION_TILE}"),
    "tile of custom areas": get(f"/tiles/custom-areas/{STATION_TILE}"),
    "query": post("/api/v1/query"),
    "forum create": post("/api/v1/forums/"),
    "follow": post("/api/v1/follows/"),
}

BAD_AREAS = {
    "unknown level": (
        "county:1",
        f"Unknown level 'county' in parameter 'area'; use one of: {LEVELS}.",
    ),
    "unknown code": (
        "district:999",
        "Parameter 'area': no district has the code '999'.",
    ),
    "code of another level": (
        "major_district:101",
        "Parameter 'area': no major_district has the code '101'.",
    ),
    "no level": (
        "101",
        "Parameter 'area' must be <level>:<code>, e.g. sub_district:020; got '101'.",
    ),
    "empty level": (
        ":101",
        "Parameter 'area' must be <level>:<code>, e.g. sub_district:020; got ':101'.",
    ),
    "empty code": (
        "district:",
        "Parameter 'area' must be <level>:<code>, e.g. sub_district:020; "
        "got 'district:'.",
    ),
    "garbage": (
        "district:1'; DROP TABLE x;--",
        "Parameter 'area': no district has the code \"1'; DROP TABLE x;--\".",
    ),
    "overlong code": (
        "district:" + "9" * 5000,
        "Parameter 'area': no district has the code '99999999999999999999'.",
    ),
}

BAD_CUSTOM_AREAS = {
    "not a number": (
        "abc",
        "Parameter 'custom_area' must be a custom area id (a whole number); got 'abc'.",
    ),
    "negative": (
        "-3",
        "Parameter 'custom_area' must be a custom area id (a whole number); got '-3'.",
    ),
    "no such area": (
        "999999999",
        "Parameter 'custom_area': no custom area 999999999 that you may see.",
    ),
}


@pytest.fixture
def signed_in(client, resident):
    # Creating a forum and following need a signed-in user; reading does
    # not care.
    client.force_login(resident)
    return client


def answers(client, param, value, surfaces=SURFACES):
    found = {}
    for name in surfaces:
        response = SURFACES[name](client, param, value)
        found[name] = (response.status_code, response.json())
    return found


@pytest.mark.parametrize("case", BAD_AREAS)
def test_a_bad_area_is_the_same_400_everywhere(signed_in, case):
    value, message = BAD_AREAS[case]
    same = (400, {"detail": message, "area": [message]})
    assert answers(signed_in, "area", value) == dict.fromkeys(SURFACES, same)


@pytest.mark.parametrize("case", BAD_CUSTOM_AREAS)
def test_a_bad_custom_area_is_the_same_400_everywhere(signed_in, case):
    value, message = BAD_CUSTOM_AREAS[case]
    surfaces = list(SURFACES)
    if case == "not a number":
        # A JSON body's id is typed by the DRF serializer (an integer in the
        # OpenAPI document), which refuses text itself, under the same key.
        for name in ("forum create", "follow"):
            surfaces.remove(name)
            status, body = answers(signed_in, "custom_area", value, [name])[name]
            assert (status, list(body)) == (400, ["custom_area"])
    same = (400, {"detail": message, "custom_area": [message]})
    found = answers(signed_in, "custom_area", value, surfaces)
    assert found == dict.fromkeys(surfaces, same)


@pytest.mark.parametrize("surface", ["cases", "ogc cases", "tile of cases", "query"])
def test_a_good_area_is_accepted_everywhere(client, surface):
    response = SURFACES[surface](client, "area", "sub_district:020")
    assert response.status_code in (200, 204)


def test_a_bad_level_filter_names_its_parameter(client):
    response = client.get("/api/v1/areas/", {"level": "county"})
    message = f"Unknown level 'county' in parameter 'level'; use one of: {LEVELS}."
    assert response.status_code == 400
    assert response.json() == {"detail": message, "level": [message]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/areas/{level}/{code}/",
        "/fi/areas/{level}/{code}/",
        "/fi/areas/{level}/{code}/report/",
        "/fi/areas/{level}/{code}/feed/",
        "/areas/{level}/{code}/meetings.ics",
        "/areas/{level}/{code}/meetings.atom",
    ],
)
@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("county", "1"),
        ("district", "999"),
        ("major_district", "101"),
        ("district", "9" * 500),
    ],
)
def test_a_path_naming_no_area_is_a_404_everywhere(client, path, level, code):
    assert client.get(path.format(level=level, code=code)).status_code == 404
