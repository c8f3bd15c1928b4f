"""The forum and meeting pages residents read, and the coordinator's page
for a meeting's agenda and minutes, through the HTTP client."""

import json
import re

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from icalendar import Calendar

from cases.models import BudgetProposal
from cases.services.links import areas_link
from districts.models import District
from districts.services import coordinator_assign, custom_area_create
from forums.models import AgendaItem, Minutes
from forums.services import agenda_item_add, forum_create, minutes_publish
from tests import places
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_at():
    def make(point, title="TEST: proposal"):
        proposal = BudgetProposal.objects.create(
            round_id=1,
            source_id=f"test-{title}",
            title=title,
            district=District.objects.get(level="major_district", code="1"),
            location=point,
        )
        areas_link(BudgetProposal, [proposal.pk])
        return proposal

    return make


def csrf_of(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    return page.context["csrf_token"]


def test_the_forum_page_lists_coming_meetings_with_links(
    client, kluuvi_forum, meeting_in
):
    spring = meeting_in(kluuvi_forum, title="Kevätilta")
    page = client.get(f"/fi/forums/{kluuvi_forum.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kluuvin foorumi" in html
    assert f'href="/fi/meetings/{spring.pk}/"' in html
    assert 'href="/fi/areas/sub_district/020/"' in html  # the forum's area
    assert f'href="/forums/{kluuvi_forum.pk}/meetings.ics"' in html


def test_a_private_areas_forum_page_is_a_404_for_others(client, coordinator):
    area = custom_area_create(
        actor=coordinator,
        name_fi="Yksityinen alue",
        boundary=MultiPolygon(
            GEOSGeometry(json.dumps(places.square(places.RAILWAY_STATION))),
            srid=4326,
        ),
        is_public=False,
    )
    forum = forum_create(actor=coordinator, area=area, title="Piilofoorumi")
    assert client.get(f"/fi/forums/{forum.pk}/").status_code == 404
    client.force_login(coordinator)
    assert client.get(f"/fi/forums/{forum.pk}/").status_code == 200


def test_the_meeting_page_shows_the_agenda_minutes_and_practicalities(
    client, coordinator, kluuvi_forum, meeting_in, case_at, proposal_at
):
    meeting = meeting_in(
        kluuvi_forum,
        title="Kevätilta",
        days=-3000,  # held in 2021
        venue_address="Kluuvikatu 1",
        online_url="https://meet.example.org/kluuvi",
        languages=["fi", "sv"],
        accessibility_notes="Esteetön sisäänkäynti pihan puolelta.",
    )
    case = case_at(places.RAILWAY_STATION, title="TEST: Kluuvin katusuunnitelma")
    proposal = proposal_at(places.RAILWAY_STATION, title="TEST: Penkit asemalle")
    agenda_item_add(actor=coordinator, meeting=meeting, case=case)
    agenda_item_add(actor=coordinator, meeting=meeting, proposal=proposal)
    minutes_publish(actor=coordinator, meeting=meeting, body="Keskusteltiin penkeistä.")

    html = client.get(f"/fi/meetings/{meeting.pk}/").content.decode()
    assert f'href="/fi/items/cases/{case.pk}/"' in html
    assert f'href="/fi/items/budget-proposals/{proposal.pk}/"' in html
    assert html.index("Kluuvin katusuunnitelma") < html.index("Penkit asemalle")
    assert "Keskusteltiin penkeistä." in html
    assert 'href="https://meet.example.org/kluuvi"' in html
    assert "suomi, ruotsi" in html.lower()
    assert "Esteetön sisäänkäynti" in html
    assert "Kluuvikatu 1" in html
    assert f'href="/fi/meetings/{meeting.pk}/calendar.ics"' in html


def test_add_to_calendar_gives_the_meeting_as_icalendar(
    client, kluuvi_forum, meeting_in
):
    meeting = meeting_in(kluuvi_forum, title="Kevätilta", venue_address="Kluuvikatu 1")
    response = client.get(f"/fi/meetings/{meeting.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Kevätilta"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["location"]) == "Kluuvikatu 1"
    assert f"/fi/meetings/{meeting.pk}/" in str(event["description"])


def test_a_coordinator_builds_the_agenda_in_the_page(
    signed_in, coordinator, kluuvi_forum, meeting_in, case_at, proposal_at
):
    meeting = meeting_in(kluuvi_forum)
    case = case_at(places.RAILWAY_STATION, title="TEST: Kluuvin katusuunnitelma")
    proposal = proposal_at(places.RAILWAY_STATION, title="TEST: Penkit asemalle")
    url = f"/fi/coordinator/meetings/{meeting.pk}/"
    page = signed_in.get(url).content.decode()
    # The form offers the area's own items.
    assert re.search(rf'<option value="{case.pk}"[^>]*>', page)
    assert re.search(rf'<option value="{proposal.pk}"[^>]*>', page)

    token = csrf_of(signed_in, url)
    for field, value in (("case", case.pk), ("proposal", proposal.pk)):
        response = signed_in.post(
            url, {"csrfmiddlewaretoken": token, "add_item": "1", field: value}
        )
        assert response.status_code == 302
    items = list(meeting.agenda_items.order_by("position"))
    assert [(i.case_id, i.proposal_id) for i in items] == [
        (case.pk, None),
        (None, proposal.pk),
    ]

    response = signed_in.post(
        url, {"csrfmiddlewaretoken": token, "remove_item": items[0].pk}
    )
    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("proposal_id", flat=True)) == [
        proposal.pk
    ]


def test_an_agenda_item_from_another_area_is_refused_with_a_message(
    signed_in, kluuvi_forum, meeting_in, case_at
):
    meeting = meeting_in(kluuvi_forum)
    elsewhere = case_at(places.ITAKESKUS_METRO, title="TEST: Itäkeskuksen asia")
    url = f"/fi/coordinator/meetings/{meeting.pk}/"
    token = csrf_of(signed_in, url)
    response = signed_in.post(
        url, {"csrfmiddlewaretoken": token, "add_item": "1", "case": elsewhere.pk}
    )
    # The form offers only the area's items, so another area's is not a choice.
    assert response.status_code == 400
    assert 'id="id_case_error"' in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_minutes_are_published_in_the_page_once_the_meeting_has_started(
    signed_in, kluuvi_forum, meeting_in
):
    coming = meeting_in(kluuvi_forum)  # in 2030
    url = f"/fi/coordinator/meetings/{coming.pk}/"
    token = csrf_of(signed_in, url)
    response = signed_in.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "publish_minutes": "1",
            "body": "Liian aikaisin",
        },
    )
    assert response.status_code == 400
    assert "once it has started" in response.content.decode()
    assert not Minutes.objects.filter(meeting=coming).exists()

    held = meeting_in(kluuvi_forum, days=-3000)
    url = f"/fi/coordinator/meetings/{held.pk}/"
    response = signed_in.post(
        url,
        {"csrfmiddlewaretoken": token, "publish_minutes": "1", "body": "Päätettiin."},
    )
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=held).body == "Päätettiin."


def test_the_meeting_form_offers_the_areas_facilities_as_venues(
    signed_in, kluuvi_forum, library_at
):
    inside = library_at(places.RAILWAY_STATION, name="TEST: Kluuvin kirjasto")
    outside = library_at(places.ITAKESKUS_METRO, name="TEST: Itäkeskuksen kirjasto")
    page = signed_in.get(
        f"/fi/coordinator/forums/{kluuvi_forum.pk}/meetings/new"
    ).content.decode()
    assert re.search(rf'<option value="{inside.pk}"[^>]*>', page)
    assert not re.search(rf'<option value="{outside.pk}"[^>]*>', page)


def test_another_coordinator_cannot_open_the_meeting_page(
    client, kluuvi_forum, meeting_in, city_admin
):
    meeting = meeting_in(kluuvi_forum)
    other = UserFactory(username="ita-coordinator")
    coordinator_assign(
        actor=city_admin,
        user=other,
        area=District.objects.get(level="major_district", code="5"),
    )
    client.force_login(other)
    assert client.get(f"/fi/coordinator/meetings/{meeting.pk}/").status_code == 403
