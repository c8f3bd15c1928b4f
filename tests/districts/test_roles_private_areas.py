"""A private custom area never reaches anyone but its owner and admins: not
in a list, a layer, a tile, a query, a filter or a feed. Each test walks one
surface as every other kind of viewer, with the owner and an admin as the
controls that the surface does show the area when it may; and each runs
twice, signed in with a session and with an API token, because every
surface knows its viewer the same way (web.viewer)."""

import json

import feedparser
import icalendar
import mapbox_vector_tile
import pytest
from rest_framework.authtoken.models import Token

from bench.common import tile_of
from cases.services.cases import case_create
from districts.services import custom_area_create
from forums.services import forum_create, meeting_create
from geo.params import parse_polygon
from tests import places
from tests.factories import UserFactory, planner_user

pytestmark = pytest.mark.django_db

SECRET = "Salainen alue"


STATION_TILE = "/tiles/custom-areas/{}/{}/{}.pbf".format(
    *tile_of(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y, 14)
)


@pytest.fixture
def secret(planner, city_admin, coordinator):
    """A planner's private area around the railway station, with a forum and
    a meeting; and the other viewers, who must never see any of it."""
    area = custom_area_create(
        actor=planner,
        name_fi=SECRET,
        boundary=parse_polygon(places.square(places.RAILWAY_STATION)),
        is_public=False,
    )
    forum = forum_create(actor=city_admin, area=area, title="Salainen foorumi")
    meeting_create(
        actor=city_admin,
        forum=forum,
        title="Salainen kokous",
        starts_at="2030-03-04T15:00:00+00:00",
        ends_at="2030-03-04T17:00:00+00:00",
    )
    others = {
        "anonymous": None,
        "resident": UserFactory(username="someone"),
        # Coordinates the major district the area lies in: still not theirs.
        "coordinator": coordinator,
        "another planner": planner_user(username="otherplanner"),
    }
    seers = {"owner": planner, "admin": city_admin}
    return {"area": area, "forum": forum, "seers": seers, "others": others}


@pytest.fixture(params=["session", "token"])
def sign_in(request):
    """Sign ``client`` in as ``user`` (None: anonymous) with a session
    cookie or with ``Authorization: Token``, as a GIS client does."""

    def as_user(client, user):
        client.logout()
        client.defaults.pop("HTTP_AUTHORIZATION", None)
        if user is None:
            return
        if request.param == "session":
            client.force_login(user)
        else:
            key = Token.objects.get_or_create(user=user)[0].key
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"

    return as_user


@pytest.fixture
def as_each(client, secret, sign_in):
    """Run ``check(client, visible)`` as the owner and an admin (visible)
    and as each other viewer (not visible)."""

    def walk(check):
        viewers = [(name, user, True) for name, user in secret["seers"].items()]
        viewers += [(name, user, False) for name, user in secret["others"].items()]
        for name, user, visible in viewers:
            sign_in(client, user)
            try:
                check(client, visible)
            except AssertionError as error:
                raise AssertionError(f"as {name}: {error}") from error

    return walk


def test_not_in_the_custom_area_list_or_detail(client, secret, as_each):
    area_id = secret["area"].id

    def check(client, visible):
        listed = client.get("/api/v1/custom-areas/").json()["results"]
        assert (area_id in [row["id"] for row in listed]) is visible
        detail = client.get(f"/api/v1/custom-areas/{area_id}/")
        assert detail.status_code == (200 if visible else 404)

    as_each(check)


def test_not_in_the_ogc_layer(client, secret, as_each):
    area_id = secret["area"].id

    def check(client, visible):
        items = client.get("/ogc/collections/custom-areas/items").json()
        names = [f["properties"]["name_fi"] for f in items["features"]]
        assert (SECRET in names) is visible
        item = client.get(f"/ogc/collections/custom-areas/items/{area_id}")
        assert item.status_code == (200 if visible else 404)

    as_each(check)


def test_not_in_a_vector_tile(client, secret, as_each):
    def check(client, visible):
        response = client.get(STATION_TILE)
        if response.status_code == 204:
            names = []
        else:
            assert response.status_code == 200
            layers = mapbox_vector_tile.decode(response.content)
            features = next(iter(layers.values()), {"features": []})["features"]
            names = [f["properties"]["name_fi"] for f in features]
        assert (SECRET in names) is visible

    as_each(check)


def test_not_usable_or_counted_in_a_polygon_query(client, secret, as_each):
    area_id = secret["area"].id
    around = places.square(places.RAILWAY_STATION, half_side=0.01)

    def check(client, visible):
        by_id = client.post(
            "/api/v1/query",
            json.dumps({"custom_area": area_id}),
            content_type="application/json",
        )
        assert by_id.status_code == (200 if visible else 400)
        if not visible:
            assert by_id.json()["detail"] == not_yours(area_id)
        counted = client.post(
            "/api/v1/query", json.dumps(around), content_type="application/json"
        ).json()
        assert counted["counts"]["custom-areas"]["count"] == (1 if visible else 0)

    as_each(check)


def not_yours(area_id):
    # The answer to an id that does not exist, word for word.
    return f"Parameter 'custom_area': no custom area {area_id} that you may see."


def test_not_usable_as_a_filter_of_other_layers(client, secret, as_each):
    """The REST lists, the OGC items, the tiles and the forum list take the
    same ``custom_area=`` and agree on who may use it."""
    area_id = secret["area"].id
    inside = case_create(title_fi="Asema-aukio", location=places.RAILWAY_STATION)
    mine = {"custom_area": area_id}
    tile = "/tiles/cases/{}/{}/{}.pbf".format(
        *tile_of(places.RAILWAY_STATION.x, places.RAILWAY_STATION.y, 14)
    )

    def check(client, visible):
        rest = client.get("/api/v1/cases/", {**mine, "limit": 1000})
        ogc = client.get("/ogc/collections/cases/items", mine)
        others = [
            client.get("/api/v1/facilities/", mine),
            client.get("/api/v1/proposals/", mine),
            client.get("/ogc/collections/facilities/items", mine),
            client.get(tile, mine),
            client.get("/api/v1/forums/", mine),
        ]
        for response in [rest, ogc, *others]:
            # A tile without features is a 204.
            expected = {200, 204} if visible else {400}
            assert response.status_code in expected, response
            if not visible:
                assert response.json()["detail"] == not_yours(area_id)
                assert response.json()["custom_area"] == [not_yours(area_id)]
        if visible:
            in_rest = {row["id"] for row in rest.json()["results"]}
            assert in_rest == {f["id"] for f in ogc.json()["features"]}
            assert inside.pk in in_rest

    as_each(check)


def test_its_forums_are_not_listed(client, secret, as_each):
    area_id = secret["area"].id
    forum_id = secret["forum"].id

    def check(client, visible):
        layer = client.get("/ogc/collections/forums/items").json()["features"]
        assert (forum_id in [f["id"] for f in layer]) is visible
        listed = client.get("/api/v1/forums/").json()["results"]
        assert (forum_id in [f["id"] for f in listed]) is visible
        assert client.get(f"/api/v1/forums/{forum_id}/").status_code == (
            200 if visible else 404
        )
        filtered = client.get("/api/v1/forums/", {"custom_area": area_id})
        assert filtered.status_code == (200 if visible else 400)

    as_each(check)


def test_not_in_any_feed(client, secret, as_each):
    area_id = secret["area"].id
    forum_id = secret["forum"].id
    feeds = [
        f"/custom-areas/{area_id}/meetings.ics",
        f"/custom-areas/{area_id}/meetings.atom",
        f"/forums/{forum_id}/meetings.ics",
        f"/forums/{forum_id}/meetings.atom",
    ]

    def check(client, visible):
        for url in feeds:
            response = client.get(url)
            assert response.status_code == (200 if visible else 404), url
            if url.endswith(".ics") and visible:
                calendar = icalendar.Calendar.from_ical(response.content)
                summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
                assert summaries == ["Salainen kokous"]
            if url.endswith(".atom") and visible:
                entries = feedparser.parse(response.content).entries
                assert [e.title.split(" (")[0] for e in entries] == ["Salainen kokous"]
        # Official areas' feeds never carry a custom area's forums.
        official = client.get("/areas/sub_district/020/meetings.ics")
        calendar = icalendar.Calendar.from_ical(official.content)
        assert calendar.walk("VEVENT") == []

    as_each(check)
