import pytest

from districts.models import District
from tests import places

pytestmark = pytest.mark.django_db

LOCATE = "/api/v1/locate"


def locate(client, point):
    response = client.get(LOCATE, {"lon": point.x, "lat": point.y})
    assert response.status_code == 200, response.content
    return response.json()


def codes(answer):
    return {level: (entry or {}).get("code") for level, entry in answer.items()}


def test_the_railway_station_is_in_kluuvi(client):
    answer = locate(client, places.RAILWAY_STATION)
    assert codes(answer) == {
        "major_district": "1",
        "district": "101",
        "sub_district": "020",
        "neighbourhood": "02",
    }
    assert answer["sub_district"] == {
        "level": "sub_district",
        "code": "020",
        "name_fi": "Kluuvi",
        "name_sv": "Gloet",
        "name_en": "Kluuvi",
    }
    assert answer["major_district"]["name_fi"] == "Eteläinen"
    assert answer["major_district"]["name_sv"] == "Södra"


def test_itakeskus_is_in_the_eastern_major_district(client):
    answer = locate(client, places.ITAKESKUS_METRO)
    assert codes(answer) == {
        "major_district": "7",
        "district": "701",
        "sub_district": "457",
        "neighbourhood": "45",
    }
    assert answer["district"]["name_fi"] == "Vartiokylä"


def test_suomenlinna_is_its_own_sub_district(client):
    answer = locate(client, places.SUOMENLINNA_CHURCH)
    assert answer["sub_district"]["name_fi"] == "Suomenlinna"
    assert answer["district"]["name_fi"] == "Ullanlinna"


@pytest.mark.parametrize(
    "point", [places.HELSINKI_VANTAA_AIRPORT, places.TAPIOLA_ESPOO, places.OPEN_SEA]
)
def test_points_outside_helsinki_are_in_no_area(client, point):
    assert locate(client, point) == {
        "major_district": None,
        "district": None,
        "sub_district": None,
        "neighbourhood": None,
    }


def test_helsinkis_own_sea_area_is_no_neighbourhood_or_sub_district(client):
    answer = locate(client, places.HELSINKI_SEA_AREA)
    assert answer["neighbourhood"] is None
    assert answer["sub_district"] is None
    # The water still belongs to a district (Laajasalo, whose osa-alue 533
    # "Aluemeri" it is) and a major district.
    assert answer["district"]["code"] == "603"
    assert answer["major_district"]["code"] == "6"


def test_a_border_point_gets_the_smaller_code_every_time(client):
    covering = District.objects.filter(level="sub_district").containing(
        places.KLUUVI_KRUUNUNHAKA_BORDER
    )
    # A corner where Kruununhaka, Kluuvi and Kaartinkaupunki meet.
    assert sorted(covering.values_list("code", flat=True)) == ["010", "020", "030"]
    answers = {
        locate(client, places.KLUUVI_KRUUNUNHAKA_BORDER)["sub_district"]["code"]
        for _ in range(3)
    }
    assert answers == {"010"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Parameter 'lon' is required."),
        ({"lon": "24.94"}, "Parameter 'lat' is required."),
        ({"lon": "abc", "lat": "60.17"}, "must be a number"),
        ({"lon": "24.94", "lat": "91"}, "Latitude 91.0 is out of range"),
        ({"lon": "-181", "lat": "60"}, "Longitude -181.0 is out of range"),
        ({"lon": "nan", "lat": "60"}, "must be finite"),
        ({"lon": "inf", "lat": "60"}, "must be finite"),
        ({"lon": "", "lat": "60"}, "Parameter 'lon' is required."),
    ],
)
def test_bad_coordinates_are_refused_with_a_message(client, params, message):
    response = client.get(LOCATE, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_areas_are_listed_by_level(client):
    response = client.get("/api/v1/areas/", {"level": "district", "limit": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 34
    first = body["results"][0]
    assert (first["code"], first["name_fi"]) == ("101", "Vironniemi")
    assert first["parent"]["code"] == "1"
    assert first["url"].endswith("/api/v1/areas/district/101/")


def test_an_unknown_level_is_refused(client):
    response = client.get("/api/v1/areas/", {"level": "county"})
    assert response.status_code == 400
    assert "Unknown level 'county'" in response.json()["detail"]


def test_an_area_is_a_geojson_feature_with_parents_and_population(client):
    response = client.get("/api/v1/areas/sub_district/020/")
    assert response.status_code == 200
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 24.9 < lon < 25.0 and 60.15 < lat < 60.2  # lon/lat order, Kluuvi
    props = feature["properties"]
    assert props["name_fi"] == "Kluuvi"
    assert [a["code"] for a in props["ancestors"]] == ["101", "1"]
    assert props["population"] is None  # recorded per district, not per osa-alue

    district = client.get("/api/v1/areas/district/101/").json()["properties"]
    assert district["population_year"] == 2023
    assert district["population"] == int(district["population_by_year"]["2023"])
    major = client.get("/api/v1/areas/major_district/1/").json()["properties"]
    assert major["population"] == 123_568
    assert major["name_en"] == "Southern"


@pytest.mark.parametrize(
    "url", ["/api/v1/areas/sub_district/999/", "/api/v1/areas/county/1/"]
)
def test_unknown_areas_are_404_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "detail" in response.json()
