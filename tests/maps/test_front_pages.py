"""The residents' front door through the HTTP client: where am I, outlines,
search, lists, topics and the old page addresses."""

import pytest

from cases.models import Case, Facility
from cases.topics import FOR_RESIDENTS, Topic, topic_of
from maps.listing import PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_where_names_every_level_finest_first_with_pages(client):
    answer = client.get("/sv/where/", {"lon": "24.9450", "lat": "60.1710"}).json()
    assert [(a["level"], a["name"], a["url"]) for a in answer["areas"]] == [
        ("sub_district", "Gloet", "/sv/areas/sub_district/020/"),
        ("district", "Estnäs", "/sv/areas/district/101/"),
        ("major_district", "Södra", "/sv/areas/major_district/1/"),
        ("neighbourhood", "Gloet", "/sv/areas/neighbourhood/02/"),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"lon": "x", "lat": "60.17"}, "lon"), ({"lon": "24.9"}, "lat")],
)
def test_where_answers_bad_coordinates_with_400(client, params, message):
    response = client.get("/fi/where/", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_outlines_of_a_level_have_names_labels_and_pages(client):
    features = client.get("/en/outlines/sub_district.json").json()["features"]
    kluuvi = next(f for f in features if f["properties"]["code"] == "020")
    assert kluuvi["properties"]["name"] == "Kluuvi"
    assert kluuvi["properties"]["url"] == "/en/areas/sub_district/020/"
    assert not any(f["properties"]["code"] == "533" for f in features)  # the sea
    assert client.get("/en/outlines/planet.json").status_code == 404


@pytest.mark.parametrize("query", ["itakeskus", "ITÄKESKUS", "Itäkesks"])
def test_search_forgives_case_diacritics_and_a_typo(client, query):
    places = client.get("/fi/search/", {"q": query, "format": "json"}).json()
    assert places["places"][0]["name"] == "Itäkeskus"


def test_search_finds_a_facility_and_links_its_page(client):
    hilleri = Facility.objects.get(source="tpr", source_id="199")
    places = client.get("/sv/search/", {"q": "lekparken illern", "format": "json"})
    place = places.json()["places"][0]
    assert (place["kind"], place["name"]) == ("facility", "Lekparken Illern")
    assert place["url"] == f"/sv/items/facilities/{hilleri.pk}/"


def test_topic_filters_agree_with_the_rule_for_every_real_case():
    by_rule = {topic: set() for topic in Topic}
    for pk, classification in Case.objects.values_list("pk", "classification"):
        by_rule[topic_of(classification)].add(pk)
    for topic in Topic:
        assert (
            set(Case.objects.of_topics([topic]).values_list("pk", flat=True))
            == (by_rule[topic])
        )
    hiring = Case.objects.filter(classification__startswith="01 01 01 01 ")
    assert hiring.count() == 199
    assert not hiring.for_residents().exists()
    assert topic_of("02 08 02 01 Hankinta ilman kilpailutusta") == Topic.INTERNAL
    assert topic_of("02 08 02 00 Kilpailutus") == Topic.GOVERNANCE
    assert topic_of("10 03 03 Asemakaavoitus") == Topic.LAND_USE
    assert Topic.INTERNAL not in FOR_RESIDENTS


def test_the_list_view_pages_through_every_facility(client):
    total = Facility.objects.count()
    seen = []
    for number in range(1, total // PAGE_SIZE + 2):
        response = client.get("/en/list/", {"collection": "facilities", "page": number})
        seen += [row["url"] for row in response.context["rows"]]
    assert len(seen) == len(set(seen)) == total


def test_the_list_view_leaves_internal_administration_out_unless_asked(client):
    residents = Case.objects.for_residents().count()
    everything = Case.objects.count()

    def count(params):
        return client.get("/fi/list/", params).context["page"].paginator.count

    assert count({"collection": "cases"}) == residents
    assert count({"collection": "cases", "topic": "all"}) == everything
    assert count({"collection": "cases", "topic": "internal"}) == (
        everything - residents
    )


@pytest.mark.parametrize(
    "params",
    [
        {"collection": "cases", "status": "bogus"},
        {"collection": "cases", "topic": "bogus"},
        {"collection": "nothing"},
        {"collection": "cases", "area": "district:999"},
    ],
)
def test_the_list_view_answers_bad_filters_with_400_and_a_message(client, params):
    response = client.get("/en/list/", params)
    assert response.status_code == 400
    assert response.context["error"]


def test_an_area_page_links_its_truncated_lists_to_the_whole_list(client):
    html = client.get("/en/areas/major_district/1/").content.decode()
    assert 'href="/en/list/?collection=facilities&amp;area=major_district%3A1"' in html


@pytest.mark.parametrize(
    "path", ["/coordinator/", "/budgeting/rounds/1/", "/accounts/login/?next=/x"]
)
def test_old_page_addresses_redirect_under_the_language_keeping_the_method(
    client, path
):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 308
    assert response["Location"] == f"/sv{path}"
    assert client.post(path).status_code == 308
