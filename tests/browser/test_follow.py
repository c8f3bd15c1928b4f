"""A resident follows an area with its Follow button and finds a case filed
there afterwards on "since your last visit", in Chromium."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from cases.models import Case
from districts.models import District
from tests import places
from tests.browser.conftest import serious_violations
from tests.browser.test_meetings import session_of
from tests.committed import committed
from tests.factories import planner_user

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parent / "output"
TITLE = "TESTI-SEURANTA: Penkki rikki asemalla"


@pytest.fixture(scope="module")
def people(site, django_db_blocker):
    """A resident and a planner, signed in; what they make is removed after
    the module."""
    with committed(django_db_blocker):
        resident = get_user_model().objects.create_user(
            "test-follow-resident", email="asukas@example.org"
        )
        planner = planner_user(username="test-follow-planner")
        yield {"resident": session_of(resident), "planner": session_of(planner)}
        Case.objects.filter(title_fi__startswith="TESTI-SEURANTA").delete()
        get_user_model().objects.filter(username__startswith="test-follow-").delete()


def signed_in(browser, site, session):
    context = browser.new_context(base_url=site, locale="fi-FI")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session,
                "domain": urlsplit(site).hostname,
                "path": "/",
            }
        ]
    )
    return context


def test_a_resident_follows_an_area_and_sees_what_is_new(browser, site, people, axe):
    OUTPUT.mkdir(exist_ok=True)
    vironniemi = District.objects.get(level="sub_district", code="020").parent
    resident = signed_in(browser, site, people["resident"]).new_page()
    resident.goto(f"/fi/areas/{vironniemi.level}/{vironniemi.code}/")
    resident.wait_for_selector("[data-piiri-map][data-ready=true]")
    resident.get_by_role("button", name="Seuraa", exact=True).click()
    resident.wait_for_load_state()
    assert resident.url.endswith(f"/fi/areas/{vironniemi.level}/{vironniemi.code}/")
    assert resident.get_by_role("button", name="Lopeta seuraaminen").is_visible()
    assert resident.get_by_text("Seuraat tätä.").is_visible()
    resident.screenshot(path=OUTPUT / "follow-area.png")

    # A planner files a case at the railway station, in the area, through
    # the API (session and CSRF token, as the pages' own scripts would).
    planner = signed_in(browser, site, people["planner"])
    planner_page = planner.new_page()
    planner_page.goto("/fi/accounts/login/")
    csrf = next(c["value"] for c in planner.cookies() if c["name"] == "csrftoken")
    filed = planner_page.request.post(
        "/api/v1/cases/",
        data={
            "title_fi": TITLE,
            "location": {
                "type": "Point",
                "coordinates": [places.RAILWAY_STATION.x, places.RAILWAY_STATION.y],
            },
        },
        headers={"X-CSRFToken": csrf},
    )
    assert filed.status == 201, filed.text()

    resident.get_by_role("link", name="Edellisen käyntisi jälkeen").first.click()
    resident.wait_for_url("**/fi/news/")
    assert resident.get_by_role("link", name=TITLE).is_visible()
    assert resident.get_by_role("link", name=vironniemi.name_fi).is_visible()
    assert serious_violations(axe, resident) == []
    resident.screenshot(path=OUTPUT / "since-last-visit.png", full_page=True)

    # Reading it again changes nothing; marking it seen does.
    resident.reload()
    assert resident.get_by_role("link", name=TITLE).is_visible()
    resident.get_by_role("button", name="Merkitse nähdyksi").click()
    resident.wait_for_url("**/fi/news/")
    assert resident.get_by_role("link", name=TITLE).count() == 0
    assert resident.get_by_text("Ei mitään uutta.").first.is_visible()
    resident.screenshot(path=OUTPUT / "since-last-visit-seen.png", full_page=True)
    planner.close()
    resident.context.close()
