"""Open311 GeoReport v2 at /open311/v2/, through the HTTP client: the
documents as the spec shapes them, in JSON and XML, and the spec's error
format for every refusal, with nothing stored."""

import json
from xml.etree import ElementTree

import pytest

from feedback.keys import api_key_create
from feedback.models import ContactDetails, Feedback, Service, ServiceAttribute
from tests import places
from tests.factories import UserFactory
from tests.feedback.conftest import georeport_error, post

pytestmark = pytest.mark.django_db

STATION = {"lat": places.RAILWAY_STATION.y, "long": places.RAILWAY_STATION.x}


def test_discovery_names_the_endpoint_and_its_formats(client):
    body = client.get("/open311/v2/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    xml = ElementTree.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == ["application/json", "text/xml"]


def test_services_are_the_named_categories_in_json_and_xml(client):
    listed = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"]: s["service_name"] for s in listed}
    assert codes == {
        "171": "Potholes",
        "172": "Vandalism",
        "174": "Parks",
        "176": "Graffiti removal",
        "180": "Other issue to be fixed",
        "198": "Traffic signs",
        "199": "Info signs",
        "211": "Playgrounds and sports parks",
        "234": "Forests",
        "246": "Sanitation violation",
    }
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in listed)
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"] == "text/xml"
    xml = ElementTree.fromstring(response.content)
    assert xml.tag == "services"
    assert sorted(s.findtext("service_code") for s in xml) == sorted(codes)
    assert {s.findtext("metadata") for s in xml} == {"false"}


def test_a_service_with_questions_has_a_definition(client):
    parks = Service.objects.get(code="174")
    ServiceAttribute.objects.create(
        service=parks,
        code="lighting",
        datatype="singlevaluelist",
        required=True,
        description="Is it about lighting?",
        values=[{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}],
    )
    listed = {
        s["service_code"]: s for s in client.get("/open311/v2/services.json").json()
    }
    assert listed["174"]["metadata"] is True
    definition = client.get("/open311/v2/services/174.json").json()
    assert definition["service_code"] == "174"
    assert definition["attributes"] == [
        {
            "variable": True,
            "code": "lighting",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "one of a list",
            "order": 0,
            "description": "Is it about lighting?",
            "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}],
        }
    ]
    xml = ElementTree.fromstring(client.get("/open311/v2/services/174.xml").content)
    assert xml.tag == "service_definition"
    assert [v.findtext("key") for v in xml.iter("value")] == ["yes", "no"]
    errors = georeport_error(client.get("/open311/v2/services/9999.json"), 404)
    assert errors == ["No service '9999'."]


def test_requests_filter_as_the_spec_and_the_extensions_say(client):
    def ids(**params):
        rows = client.get("/open311/v2/requests.json", params).json()
        return {r["service_request_id"] for r in rows}

    potholes = Feedback.objects.filter(service__code="171")
    assert ids(service_code="171") == set(
        potholes.values_list("service_request_id", flat=True)
    )
    assert len(ids(status="open")) == 12
    assert len(ids(status="open,closed")) == 872
    june = ids(start_date="2015-06-01T00:00:00Z", end_date="2015-06-30T23:59:59Z")
    assert june == set(
        Feedback.objects.filter(
            requested_at__year=2015, requested_at__month=6
        ).values_list("service_request_id", flat=True)
    )
    assert len(june) == 166
    kluuvi = ids(area="sub_district:020")
    assert kluuvi == set(
        Feedback.objects.filter(
            areas__level="sub_district", areas__code="020"
        ).values_list("service_request_id", flat=True)
    )
    assert kluuvi
    near = ids(lat="60.1710", long="24.9414", radius="300")
    boxed = ids(bbox="24.90,60.15,24.98,60.19")
    assert near and near <= boxed
    for request_id in near:
        row = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
        assert 24.93 < row["long"] < 24.95 and 60.16 < row["lat"] < 60.18
    two = ids(
        service_request_id="1ar09ts10t4qdko74nmj,38dqkbd671o30v63blcr", status="open"
    )
    assert two == {"1ar09ts10t4qdko74nmj", "38dqkbd671o30v63blcr"}


def test_one_request_with_extensions_has_its_replies_and_areas(client):
    plain = client.get("/open311/v2/requests/1ar09ts10t4qdko74nmj.json").json()
    assert len(plain) == 1
    row = plain[0]
    assert "extended_attributes" not in row
    assert row["agency_responsible"] == "Rakennusvirasto"
    assert row["requested_datetime"] == "2015-03-04T14:40:04Z"
    assert (row["lat"], row["long"]) == (60.195231, 24.958825)
    extended = client.get(
        "/open311/v2/requests/1ar09ts10t4qdko74nmj.json", {"extensions": "true"}
    ).json()[0]["extended_attributes"]
    assert extended["detailed_status"] == "PROCESSED,PUBLIC_WORKS_COMPLETED"
    assert extended["title"] == "Liikennejärjestelyt puuttuvat"
    assert {"level": "sub_district", "code": "220"} in extended["areas"]
    assert extended["replies"][0]["author"] == "Rakennusvirasto"
    xml = ElementTree.fromstring(
        client.get(
            "/open311/v2/requests/1ar09ts10t4qdko74nmj.xml", {"extensions": "true"}
        ).content
    )
    assert xml.tag == "service_requests"
    request = xml.find("request")
    assert request.findtext("agency_responsible") == "Rakennusvirasto"
    assert request.find("extended_attributes/replies/reply/author").text == (
        "Rakennusvirasto"
    )
    georeport_error(client.get("/open311/v2/requests/nosuch.json"), 404)


def test_a_client_app_posts_with_its_key_and_reads_back_the_routed_unit(
    client, api_key
):
    response = post(
        client,
        api_key=api_key,
        service_code="171",
        description="Syvä kuoppa suojatien edessä.",
        title="Kuoppa",
        address_string="Kaivokatu 1",
        email="antaja@example.org",
        **STATION,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert list(created[0]) == ["service_request_id", "service_notice", "account_id"]
    request_id = created[0]["service_request_id"]
    row = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert row["agency_responsible"] == "Rakennusvirasto"
    assert row["status"] == "open"
    assert row["description"] == "Syvä kuoppa suojatien edessä."
    stored = Feedback.objects.get(service_request_id=request_id)
    assert stored.api_key.name == "Test client"
    assert stored.contact.email == "antaja@example.org"
    assert stored.areas.filter(level="sub_district").get().code == "020"


def test_a_post_answers_in_xml_too(client, api_key):
    response = post(
        client,
        "xml",
        api_key=api_key,
        service_code="176",
        description="Töhryjä.",
        **STATION,
    )
    assert response.status_code == 201
    xml = ElementTree.fromstring(response.content)
    assert xml.tag == "service_requests"
    assert len(xml.find("request").findtext("service_request_id")) == 20


def test_a_signed_in_resident_posts_with_the_csrf_token(client, settings):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(username="asukas"))
    data = {"service_code": "174", "description": "Penkki rikki.", **STATION}
    refused = browser.post("/open311/v2/requests.json", data)
    assert georeport_error(refused, 403) == [
        "CSRF check failed; send the form's csrf token."
    ]
    browser.get("/fi/accounts/login/")  # a form: sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/open311/v2/requests.json", data, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    request_id = accepted.json()[0]["service_request_id"]
    assert Feedback.objects.get(
        service_request_id=request_id
    ).contact.user.username == ("asukas")


def test_each_key_has_its_own_rate_limit(client):
    slow = api_key_create(name="Slow client", rate="2/hour")[1]
    other = api_key_create(name="Other client")[1]
    data = {"service_code": "171", "description": "Kuoppa.", **STATION}
    for _ in range(2):
        assert post(client, api_key=slow, **data).status_code == 201
    refused = post(client, api_key=slow, **data)
    assert georeport_error(refused, 429)[0].startswith("Too many requests")
    assert int(refused["Retry-After"]) > 0
    assert post(client, api_key=other, **data).status_code == 201


OUTSIDE = {"lat": places.TAPIOLA_ESPOO.y, "long": places.TAPIOLA_ESPOO.x}
BAD_POSTS = {
    "unknown service code": (
        {"service_code": "9999", "description": "x", **STATION},
        400,
        "service_code: No service '9999' takes feedback.",
    ),
    "a service known only from history": (
        {"service_code": "178", "description": "x", **STATION},
        400,
        "service_code: No service '178' takes feedback.",
    ),
    "a point outside Helsinki": (
        {"service_code": "171", "description": "Kuoppa.", **OUTSIDE},
        400,
        "lat: The point is outside Helsinki; the City handles feedback about "
        "Helsinki only.",
    ),
    "no point for a service that needs one": (
        {"service_code": "171", "description": "Kuoppa."},
        400,
        "lat: Service 171 needs a point (lat/long) or a facility.",
    ),
    "an empty description": (
        {"service_code": "171", "description": "   ", **STATION},
        400,
        "description: Say what the feedback is about.",
    ),
    "a latitude that is no number": (
        {"service_code": "171", "description": "x", "lat": "north", "long": "24.9"},
        400,
        "Parameter 'lat' must be a number, got 'north'.",
    ),
    "a bad e-mail": (
        {"service_code": "171", "description": "x", "email": "not-mail", **STATION},
        400,
        "email: Not an e-mail address.",
    ),
    "a facility that does not exist": (
        {"service_code": "211", "description": "x", "service_object_id": "999999"},
        400,
        "service_object_id: No such facility.",
    ),
    "a media_url that is no web address": (
        {
            "service_code": "171",
            "description": "x",
            "media_url": "javascript:1",
            **STATION,
        },
        400,
        "media_url: Not a web address.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_POSTS))
def test_bad_posts_answer_the_error_format_and_store_nothing(client, api_key, case):
    data, status, message = BAD_POSTS[case]
    before = (Feedback.objects.count(), ContactDetails.objects.count())
    response = post(client, api_key=api_key, **data)
    assert georeport_error(response, status) == [message]
    xml = ElementTree.fromstring(post(client, "xml", api_key=api_key, **data).content)
    assert xml.tag == "errors"
    assert xml.find("error/code").text == str(status)
    assert xml.find("error/description").text == message
    assert (Feedback.objects.count(), ContactDetails.objects.count()) == before


def test_a_wrong_key_or_no_key_is_refused(client):
    data = {"service_code": "171", "description": "x", **STATION}
    before = Feedback.objects.count()
    assert georeport_error(post(client, api_key="guessed", **data), 403) == [
        "The api_key is not valid."
    ]
    assert georeport_error(post(client, **data), 403) == [
        "Give an api_key, or sign in, to post feedback."
    ]
    assert Feedback.objects.count() == before


def test_a_huge_body_is_refused_before_it_is_read(client, api_key):
    before = Feedback.objects.count()
    response = client.post(
        "/open311/v2/requests.json",
        json.dumps(
            {"api_key": api_key, "service_code": "171", "description": "x" * 200_000}
        ),
        content_type="application/json",
    )
    assert georeport_error(response, 413) == [
        "The request body is 200100 bytes; at most 64000."
    ]
    assert Feedback.objects.count() == before


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"start_date": "2015-06-30T00:00:00Z", "end_date": "2015-06-01T00:00:00Z"},
            "end_date: end_date is before start_date.",
        ),
        (
            {"start_date": "last june"},
            "start_date: Must be a W3C date and time with a zone, e.g. "
            "2015-06-01T00:00:00Z; got 'last june'.",
        ),
        (
            {"status": "pending"},
            "status: Unknown status 'pending'; use open or closed.",
        ),
        (
            {"area": "sub_district:999"},
            "area: Parameter 'area': no sub_district has the code '999'.",
        ),
        (
            {"bbox": "1,2,3"},
            "Parameter 'bbox' must be four numbers: west,south,east,north.",
        ),
        (
            {"lat": "60.17", "long": "24.94", "radius": "99999"},
            "radius: Must be between 0 and 10000 metres.",
        ),
    ],
)
def test_bad_filters_answer_the_error_format(client, params, message):
    assert georeport_error(client.get("/open311/v2/requests.json", params), 400) == [
        message
    ]


def test_an_unknown_format_is_refused(client):
    assert georeport_error(client.get("/open311/v2/services.html"), 400) == [
        "Format 'html' is not offered; use json or xml."
    ]
