"""Hostile and careless input on every endpoint family: a 4xx with a
message, never a 5xx, and nothing stored.

Each family is walked with the input classes that once gave a 500 (NUL
bytes, C0 controls, empty lists, out-of-range and non-ASCII numbers,
non-finite numbers, far dates, deep nesting, oversize bodies) as query
values, path segments and JSON bodies. Failures are collected per family,
so one run names every request that went wrong.
"""

import json

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from budgeting.models import Ballot
from cases.models import BudgetProposal, Case
from districts.models import CustomArea
from forums.models import AgendaItem, Forum, Meeting
from tests import places
from tests.budgeting.conftest import open_round

pytestmark = pytest.mark.django_db

VALUES = {
    "nul": "a\x00b",
    "control": "a\x01b",
    "empty list": ",",
    "huge int": "99999999999999999999",
    "superscript": "²",
    "nan": "NaN",
    "overflow": "1e400",
    "negative": "-1",
    "far date": "9999-12-31T23:59:59-23:59",
    "long": "x" * 3000,
}
PATH_VALUES = {
    name: value for name, value in VALUES.items() if name not in ("empty list",)
}
COLLECTIONS = (
    "cases",
    "facilities",
    "forums",
    "budget-proposals",
    "districts",
    "major-districts",
    "custom-areas",
)
LISTS = {
    "/api/v1/cases/": ("area", "custom_area", "status", "q", "bbox", "limit", "offset"),
    "/api/v1/facilities/": ("area", "kind", "bbox", "limit", "offset"),
    "/api/v1/proposals/": ("area", "status", "round", "limit", "offset"),
    "/api/v1/areas/": ("level", "bbox", "limit", "offset"),
    "/api/v1/custom-areas/": ("mine", "limit", "offset"),
    "/api/v1/forums/": ("area", "custom_area", "limit", "offset"),
    "/api/v1/locate": ("lon", "lat"),
    "/api/v1/budgeting/rounds/": ("limit", "offset"),
    "/api/v1/budgeting/rounds/{round}/plans/": ("area", "selected"),
    "/api/v1/audit-log/": ("object_type", "limit", "offset"),
}
OGC_PARAMS = (
    "bbox",
    "datetime",
    "limit",
    "offset",
    "area",
    "custom_area",
    "status",
    "round",
    "kind",
    "f",
    "properties",
    "sortby",
)
TILE_PARAMS = ("area", "custom_area", "status", "round", "kind", "limit", "properties")
PAGES = {
    "/fi/list/": ("q", "area", "round"),
    "/fi/search/": ("q",),
    "/fi/": ("area",),
}
PATHS = (
    "/api/v1/cases/{v}/",
    "/api/v1/facilities/{v}/",
    "/api/v1/proposals/{v}/",
    "/api/v1/areas/sub_district/{v}/",
    "/api/v1/areas/{v}/020/",
    "/api/v1/budgeting/receipts/{v}",
    "/api/v1/budgeting/rounds/{round}/areas/{v}/pabulib.pb",
    "/ogc/collections/{v}",
    "/ogc/collections/{v}/items",
    "/ogc/collections/cases/items/{v}",
    "/ogc/collections/districts/items/{v}",
    "/ogc/collections/{v}/queryables",
    "/tiles/{v}.json",
    "/tiles/cases/{v}/0/0.pbf",
    "/areas/sub_district/{v}/meetings.atom",
    "/areas/sub_district/{v}/meetings.ics",
    "/fi/areas/sub_district/{v}/",
    "/fi/areas/sub_district/{v}/feed/",
    "/fi/areas/sub_district/{v}/report/",
    "/fi/items/{v}/1/",
)


BODIES = {
    "nul in text": '{"title_fi": "a\\u0000b", "name_fi": "a\\u0000b"}',
    "control in text": '{"title_fi": "a\\u0001b", "name_fi": "a\\u0001b"}',
    "deep array": "[" * 5000 + "]" * 5000,
    "deep object": '{"a": ' * 5000 + "{}" + "}" * 5000,
    "deep coordinates": '{"type": "Polygon", "coordinates": '
    + "[" * 3000
    + "]" * 3000
    + "}",
    "overflow": '{"plans": [1e999], "custom_area": 1e999, "area": 1e999}',
    "huge int": '{"plans": [99999999999999999999], "custom_area": 1' + "0" * 20 + "}",
    "not json": "{'a': 1",
    "wrong type": '"just a string"',
    "nan coordinates": json.dumps(
        {"type": "Polygon", "coordinates": [[["NaN", 1], [2, 3], [4, 5], ["NaN", 1]]]}
    ).replace('"NaN"', "NaN"),
    "deep collection": json.dumps(
        {
            "type": "GeometryCollection",
            "geometries": [{"type": "GeometryCollection", "geometries": []}] * 2,
        }
    ),
    "unhashable names": json.dumps(
        {"collections": [["cases"], {"a": 1}], **places.square(places.RAILWAY_STATION)}
    ),
}


def message_of(response) -> str:
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json())
    return body


def check(problems, label, send, *args, **kwargs):
    """Send one request in a savepoint, as a server would in its own
    transaction: one failed statement must not fail the requests after it.
    Returns the response, or None when a stored count changed."""
    writes = send.__name__ != "get"
    before = stored() if writes else None
    savepoint = transaction.savepoint()
    response = send(*args, **kwargs)
    try:
        after = stored() if writes else None
    except DatabaseError:
        after = None
    transaction.savepoint_rollback(savepoint)
    status = response.status_code
    if status >= 500 or (status >= 400 and len(message_of(response).strip()) < 3):
        problems.append(f"{label}: {status} {message_of(response)[:120]!r}")
    elif status >= 400 and after != before:
        problems.append(f"{label}: {status} but stored {before} -> {after}")
    return response


def walk(problems, client, url, params):
    """Every hostile value in every parameter of ``url``, one at a time."""
    for param in params:
        for name, value in VALUES.items():
            check(problems, f"{url}?{param}={name}", client.get, url, {param: value})


@pytest.fixture
def world(coordinator, district, planner):
    """One of each thing a hostile request could reach, and a client that
    answers 500 instead of raising."""
    from districts.services import custom_area_create
    from forums.services import forum_create
    from geo.params import parse_polygon

    forum = forum_create(
        actor=coordinator, area=district("sub_district", "020"), title="Foorumi"
    )
    area = custom_area_create(
        actor=planner,
        name_fi="Alue",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION)),
        is_public=True,
    )
    return {
        "client": Client(raise_request_exception=False),
        "round": open_round(),
        "forum": forum,
        "custom_area": area,
    }


def stored():
    return [
        model.objects.count()
        for model in (
            Case,
            BudgetProposal,
            CustomArea,
            Forum,
            Meeting,
            AgendaItem,
            Ballot,
        )
    ]


def test_rest_lists_and_locate(world):
    client, problems = world["client"], []
    for base, params in LISTS.items():
        walk(problems, client, base.format(round=world["round"].number), params)
    assert not problems, "\n".join(problems)


def test_ogc_items_and_queryables(world):
    client, problems = world["client"], []
    for collection in COLLECTIONS:
        walk(problems, client, f"/ogc/collections/{collection}/items", OGC_PARAMS)
        for name, value in VALUES.items():
            check(
                problems,
                f"queryables {collection} f={name}",
                client.get,
                f"/ogc/collections/{collection}/queryables",
                {"f": value},
            )
    assert not problems, "\n".join(problems)


def test_tiles_and_tilejson(world):
    client, problems = world["client"], []
    for collection in ("cases", "facilities", "budget-proposals", "forums"):
        walk(problems, client, f"/tiles/{collection}/14/9326/4741.pbf", TILE_PARAMS)
    for collection in COLLECTIONS:
        url = f"/tiles/{collection}.json"
        for name, value in VALUES.items():
            check(problems, f"{url}?area={name}", client.get, url, {"area": value})
    for name, value in PATH_VALUES.items():
        check(problems, f"tile z={name}", client.get, f"/tiles/cases/{value}/0/0.pbf")
    assert not problems, "\n".join(problems)


def test_pages_and_feeds(world):
    client, problems = world["client"], []
    for url, params in PAGES.items():
        walk(problems, client, url, params)
    for name, value in VALUES.items():
        for url in (
            f"/forums/{world['forum'].pk}/meetings.atom",
            "/areas/sub_district/020/meetings.atom",
            "/fi/areas/sub_district/020/feed/",
        ):
            check(problems, f"{url}?x={name}", client.get, url, {"x": value})
    assert not problems, "\n".join(problems)


def test_path_segments(world):
    client, problems = world["client"], []
    for template in PATHS:
        for name, value in PATH_VALUES.items():
            url = template.format(v=value, round=world["round"].number)
            check(problems, f"{template} {name}", client.get, url)
    assert not problems, "\n".join(problems)


def test_item_pages_of_every_collection(world):
    """Item pages and popups of areas, forums and custom areas (an
    AttributeError in maps.features once made them all 500)."""
    from districts.models import District

    client, problems = world["client"], []
    ids = {
        "districts": District.objects.get(level="district", code="101").code,
        "major-districts": District.objects.get(level="major_district", code="1").code,
        "forums": world["forum"].pk,
        "custom-areas": world["custom_area"].pk,
    }
    for collection, item_id in ids.items():
        url = f"/fi/items/{collection}/{item_id}/"
        page = check(problems, f"item page {collection}", client.get, url)
        popup = check(
            problems, f"popup {collection}", client.get, url, {"format": "json"}
        )
        if page.status_code != 200 or popup.status_code != 200:
            problems.append(f"item page {collection}: {page.status_code}")
        elif not popup.json()["title"]:
            problems.append(f"popup {collection} has no title")
    assert not problems, "\n".join(problems)


def test_json_bodies_are_refused_and_nothing_is_stored(world, planner, coordinator):
    client, problems = world["client"], []
    number = world["round"].number
    before = stored()
    anonymous = (
        "/api/v1/query",
        "/api/v1/query?format=csv",
        f"/api/v1/budgeting/rounds/{number}/ballots",
        "/api/v1/auth/token",
    )
    signed_in = (
        "/api/v1/cases/",
        "/api/v1/proposals/",
        "/api/v1/custom-areas/",
        "/api/v1/forums/",
        f"/api/v1/forums/{world['forum'].pk}/meetings/",
    )
    for url in (*anonymous, *signed_in):
        if url == signed_in[0]:
            client.force_login(coordinator)
        for name, body in BODIES.items():
            response = check(
                problems,
                f"POST {url} {name}",
                client.post,
                url,
                body,
                content_type="application/json",
            )
            if response.status_code < 400:
                problems.append(f"POST {url} {name}: accepted {response.status_code}")
    assert not problems, "\n".join(problems)
    assert stored() == before
