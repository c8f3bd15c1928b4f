"""A coordinator runs a meeting in the pages and a resident reads it, in
Chromium: schedule, agenda (a case and a budget proposal), minutes; then
the meeting's page and its calendar file."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from icalendar import Calendar

from cases.models import BudgetProposal, Case
from cases.services.links import areas_link
from districts.models import CustomArea, District
from districts.services import coordinator_assign
from forums.models import Forum
from forums.services import agenda_item_add, meeting_create, minutes_publish
from tests import places
from tests.browser.conftest import serious_violations
from tests.committed import committed
from tests.factories import admin_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(site, django_db_blocker):
    """Labelled test data in Kluuvi, removed after the module."""
    with committed(django_db_blocker):
        admin = admin_user(username="test-meetings-admin")
        coordinator = get_user_model().objects.create_user("test-meetings-coordinator")
        kluuvi = District.objects.get(level="sub_district", code="020")
        coordinator_assign(actor=admin, user=coordinator, area=kluuvi)
        case = Case.objects.create(
            title_fi="TESTI: Kluuvin katusuunnitelma", location=places.RAILWAY_STATION
        )
        proposal = BudgetProposal.objects.create(
            round_id=1,
            source_id="test-meetings-1",
            title="TEST: Benches at the station",
            district=District.objects.get(level="major_district", code="1"),
            location=places.RAILWAY_STATION,
        )
        areas_link(Case, [case.pk])
        areas_link(BudgetProposal, [proposal.pk])
        forum = Forum.objects.create(
            district=kluuvi, title="TESTI: Kluuvin foorumi", created_by=coordinator
        )
        autumn = meeting_create(
            actor=coordinator,
            forum=forum,
            title="TESTI: Syksyn asukasilta",
            starts_at=timezone.now() - timedelta(days=60),
            ends_at=timezone.now() - timedelta(days=60, hours=-2),
            online_url="https://meet.example.org/test",
            languages=["fi", "en"],
        )
        agenda_item_add(actor=coordinator, meeting=autumn, case=case)
        minutes_publish(actor=coordinator, meeting=autumn, body="TESTI: pöytäkirja.")
        session = session_of(coordinator)
        yield {
            "session": session,
            "forum": forum,
            "case": case,
            "proposal": proposal,
            "autumn": autumn,
            "coordinator": coordinator,
        }
        forum.delete()
        CustomArea.objects.filter(owner=coordinator).delete()
        case.delete()
        proposal.delete()
        coordinator.area_assignments.all().delete()
        get_user_model().objects.filter(username__startswith="test-meetings-").delete()


def session_of(user) -> str:
    """A signed-in session for ``user``, made outside the test's rolled-back
    transaction so the live server sees it (the sign-in form itself is
    tested in tests/districts and tests/browser/test_sign_in.py)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def local_input(moment) -> str:
    """A time as a datetime-local field takes it: Helsinki time, minutes."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_coordinator_runs_a_meeting_and_a_resident_reads_it(page, world, axe, site):
    forum = world["forum"]
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": world["session"],
                "domain": urlsplit(site).hostname,
                "path": "/",
            }
        ]
    )

    # Schedule a meeting that started an hour ago, so minutes may follow.
    now = timezone.now()
    page.goto(f"/fi/coordinator/forums/{forum.pk}/meetings/new")
    page.fill("#id_title", "TESTI: Kevään asukasilta")
    page.fill("#id_starts_at", local_input(now - timedelta(hours=1)))
    page.fill("#id_ends_at", local_input(now + timedelta(hours=1)))
    page.fill("#id_venue_address", "Kluuvikatu 1")
    page.check("input[name=languages][value=fi]")
    page.check("input[name=languages][value=sv]")
    page.fill("#id_accessibility_notes", "Esteetön sisäänkäynti.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/coordinator/forums/{forum.pk}/")

    page.get_by_role("link", name="TESTI: Kevään asukasilta").click()
    page.wait_for_url("**/coordinator/meetings/*/")
    page.select_option("#id_case", str(world["case"].pk))
    page.get_by_role("button", name="Lisää", exact=True).click()
    page.select_option("#id_proposal", str(world["proposal"].pk))
    page.get_by_role("button", name="Lisää", exact=True).click()
    agenda = page.locator("#agenda-heading + form ol li")
    assert agenda.count() == 2
    page.fill("#id_body", "Keskusteltiin katusuunnitelmasta ja penkeistä.")
    page.get_by_role("button", name="Julkaise pöytäkirja").click()
    page.wait_for_load_state()

    # The resident's view: the public page, with agenda links and minutes.
    page.get_by_role("link", name="Kokouksen julkinen sivu").click()
    page.wait_for_url("**/fi/meetings/*/")
    assert page.locator("h1").inner_text() == "TESTI: Kevään asukasilta"
    items = page.locator("#agenda-heading + ol > li > a")
    assert items.all_inner_texts() == [
        "TESTI: Kluuvin katusuunnitelma",
        "TEST: Benches at the station",
    ]
    assert "penkeistä" in page.locator(".minutes").inner_text()
    assert serious_violations(axe, page) == []

    calendar_url = page.get_by_role("link", name="Lisää kalenteriin").get_attribute(
        "href"
    )
    response = page.request.get(calendar_url)
    assert response.ok
    (event,) = Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(event["summary"]) == "TESTI: Kevään asukasilta"
    assert str(event["location"]) == "Kluuvikatu 1"
    start = event.decoded("dtstart")
    assert abs(start - (now - timedelta(hours=1))) < timedelta(minutes=1)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_forum_and_meeting_pages_are_accessible(page, world, axe, lang):
    forum = world["forum"]
    page.goto(f"/{lang}/forums/{forum.pk}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(axe, page) == []
    page.goto(f"/{lang}/meetings/{world['autumn'].pk}/")
    assert page.locator("h1").inner_text() == "TESTI: Syksyn asukasilta"
    assert serious_violations(axe, page) == []


def test_a_coordinator_draws_a_public_area_inside_their_area(page, world, site):
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": world["session"],
                "domain": urlsplit(site).hostname,
                "path": "/",
            }
        ]
    )
    page.goto("/fi/coordinator/areas/new")
    page.wait_for_selector("[data-piiri-area-map][data-ready=true]")
    # The map is fitted to Kluuvi, the coordinator's area: a small square
    # around its middle lies inside it.
    box = page.locator("[data-piiri-area-map]").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.get_by_role("button", name="Aloita piirtäminen").click()
    for dx, dy in [(-15, -15), (15, -15), (15, 15), (-15, 15), (-15, -15)]:
        page.mouse.click(x + dx, y + dy)
    drawn = json.loads(page.input_value("#id_boundary"))
    assert drawn["type"] == "Polygon"
    assert len(drawn["coordinates"][0]) == 5  # four corners, closed
    page.fill("#id_name_fi", "TESTI: Kluuvin kortteli")
    page.check("#id_is_public")
    page.get_by_role("button", name="Tallenna alue").click()
    page.wait_for_url("**/fi/custom-areas/*/")
    assert page.locator("h1").inner_text().startswith("TESTI: Kluuvin kortteli")
    area = CustomArea.objects.get(name_fi="TESTI: Kluuvin kortteli")
    kluuvi = District.objects.get(level="sub_district", code="020")
    assert area.is_public and kluuvi.boundary.covers(area.boundary)
