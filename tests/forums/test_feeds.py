import feedparser
import icalendar
import pytest

from districts.services import coordinator_assign, custom_area_create
from forums.services import forum_create
from geo.params import parse_polygon
from tests import places
from tests.factories import UserFactory, admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(coordinator, district, kluuvi_forum, meeting_in):
    """Two Kluuvi meetings, one of the major district's own forum, and one in
    another major district (which must appear in none of their feeds)."""
    major = forum_create(
        actor=coordinator, area=district("major_district", "1"), title="Eteläinen"
    )
    east = UserFactory(username="east")
    coordinator_assign(
        actor=admin_user(username="feedadmin"),
        user=east,
        area=district("major_district", "7"),
    )
    itakeskus = forum_create(
        actor=east, area=district("sub_district", "457"), title="Itäkeskus"
    )
    return {
        "spring": meeting_in(
            kluuvi_forum,
            title="Kevätilta",
            days=0,
            venue_address="Rautatientori 1",
            online_url="https://meet.example.org/kluuvi",
            languages=["fi", "sv"],
        ),
        "summer": meeting_in(kluuvi_forum, title="Kesäilta", days=7),
        "major": meeting_in(major, title="Suurpiirin ilta", days=3),
        "east": meeting_in(itakeskus, title="Idän ilta", days=1, actor=east),
    }


def ics_events(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def atom_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed, [entry.title for entry in feed.entries]


def test_the_forum_ics_feed_lists_its_meetings(client, kluuvi_forum, meetings, at):
    events = ics_events(client, f"/forums/{kluuvi_forum.id}/meetings.ics")
    assert set(events) == {"Kevätilta", "Kesäilta"}
    spring = events["Kevätilta"]
    assert spring.decoded("dtstart") == at(0)
    assert spring.decoded("dtend") == at(0, hours=2)
    assert str(spring["location"]) == "Rautatientori 1"
    assert str(spring["url"]) == "https://meet.example.org/kluuvi"
    assert "Languages: fi, sv" in str(spring["description"])
    assert str(spring["uid"]) == f"meeting-{meetings['spring'].id}@testserver"


def test_the_area_ics_feed_includes_the_forums_of_areas_beneath_it(client, meetings):
    assert set(ics_events(client, "/areas/major_district/1/meetings.ics")) == {
        "Kevätilta",
        "Kesäilta",
        "Suurpiirin ilta",
    }
    assert set(ics_events(client, "/areas/sub_district/020/meetings.ics")) == {
        "Kevätilta",
        "Kesäilta",
    }
    assert set(ics_events(client, "/areas/major_district/7/meetings.ics")) == {
        "Idän ilta"
    }


def test_the_forum_atom_feed_lists_its_meetings(client, kluuvi_forum, meetings):
    feed, titles = atom_titles(client, f"/forums/{kluuvi_forum.id}/meetings.atom")
    assert feed.feed.title == "Kluuvin foorumi: meetings"
    assert titles == [
        # Helsinki's local time (UTC+2 in March), not UTC.
        "Kesäilta (2030-03-11 17:00 EET)",
        "Kevätilta (2030-03-04 17:00 EET)",
    ]
    # Entries link to the meeting's page for residents, not to its JSON.
    assert feed.entries[1].link.endswith(f"/fi/meetings/{meetings['spring'].id}/")


def test_the_area_atom_feed_lists_the_areas_meetings(client, meetings):
    _, titles = atom_titles(client, "/areas/district/101/meetings.atom")
    assert [t.split(" (")[0] for t in titles] == ["Kesäilta", "Kevätilta"]


def test_an_unknown_forum_or_area_feed_is_a_404(client):
    assert client.get("/forums/999999/meetings.ics").status_code == 404
    assert client.get("/areas/district/999/meetings.atom").status_code == 404


def test_a_custom_area_feed_lists_its_forums_meetings(client, coordinator, meeting_in):
    area = custom_area_create(
        actor=coordinator,
        name_fi="Asema-aukio",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION)),
        is_public=True,
    )
    forum = forum_create(actor=coordinator, area=area, title="Aukion foorumi")
    meeting_in(forum, title="Aukion ilta")
    events = ics_events(client, f"/custom-areas/{area.id}/meetings.ics")
    assert set(events) == {"Aukion ilta"}
    _, titles = atom_titles(client, f"/custom-areas/{area.id}/meetings.atom")
    assert [t.split(" (")[0] for t in titles] == ["Aukion ilta"]


def test_a_stored_control_character_does_not_break_the_feeds(
    client, kluuvi_forum, meeting_in
):
    meeting_in(kluuvi_forum, title="Asukas\x01ilta\x1b")
    for url in (
        f"/forums/{kluuvi_forum.pk}/meetings.atom",
        "/areas/sub_district/020/meetings.atom",
    ):
        feed = client.get(url)
        assert feed.status_code == 200, url
        text = feed.content.decode()
        assert "Asukasilta" in text
        assert "\x01" not in text
