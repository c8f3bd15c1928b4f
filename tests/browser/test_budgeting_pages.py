"""A resident signed in through the local OpenID Connect provider proposes
by clicking a point on the map while the round takes proposals, and is
refused when it does not; the place can also be found by name and moved
with the arrow keys."""

import re

import pytest

from budgeting.models import Round
from cases.models import BudgetProposal
from districts.selectors import locate
from geo.points import point_at
from tests.browser.conftest import OUTPUT
from tests.browser.provider import provider_page
from tests.budgeting.conftest import proposal_round
from tests.committed import committed
from tests.oidc import DEMO_RESIDENT, oidc, oidc_provider

__all__ = ["oidc", "oidc_provider", "provider_page"]

OPEN_ROUND = 941


@pytest.fixture(scope="module")
def taking_proposals(site, django_db_blocker):
    """A round taking proposals today, for the module; its proposals go
    with it."""
    with committed(django_db_blocker):
        round_ = proposal_round(OPEN_ROUND)
        yield round_
        BudgetProposal.objects.filter(round=round_).delete()
        Round.objects.filter(pk=round_.pk).delete()


def open_the_form_signed_in(page, oidc):
    """The proposal form, reached signed out and signed in from its own
    link through the provider, as a resident would."""
    propose = f"/fi/budgeting/rounds/{OPEN_ROUND}/propose/"
    page.goto(propose)
    page.get_by_role("link", name="Kirjaudu sisään tehdäksesi ehdotuksen").click()
    page.get_by_role("link", name="Tunnistaudu vahvasti").click()
    page.wait_for_url(
        re.compile(re.escape(oidc["OIDC_OP_ISSUER"]) + "/oauth2/authorize")
    )
    page.get_by_role("button", name=DEMO_RESIDENT).click()
    page.wait_for_url(f"**{propose}")
    page.wait_for_selector("[data-piiri-map][data-ready=true]")


def test_a_resident_proposes_by_clicking_the_map_and_is_refused_outside_the_phase(
    provider_page, oidc, taking_proposals
):
    page = provider_page
    open_the_form_signed_in(page, oidc)

    page.get_by_label("Otsikko").fill("Juomapiste puistoon")
    page.get_by_label("Kuvaus").fill("Vesipiste lenkkeilijöille ja koirille.")
    page.get_by_label("Kustannusarvio (euroa)").fill("8000")
    the_map = page.locator("#propose-map")
    box = the_map.bounding_box()
    # Locator.click scrolls the map into view first; mouse.click would not.
    the_map.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.45})
    lat = float(page.get_by_label("Leveysaste").input_value())
    lon = float(page.get_by_label("Pituusaste").input_value())
    assert 60.1 < lat < 60.3 and 24.8 < lon < 25.3
    assert "Paikka valittu" in page.locator("#pick-status").inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "propose-form-with-point.png", full_page=True)
    page.get_by_role("button", name="Lähetä ehdotus").click()

    page.wait_for_url("**/fi/budgeting/my-proposals/")
    assert "Juomapiste puistoon" in page.locator("main table").inner_text()
    proposal = BudgetProposal.objects.get(round=OPEN_ROUND)
    expected = locate(point_at(lon=lon, lat=lat))["major_district"]["code"]
    assert proposal.district.code == expected
    assert proposal.submitted_by.username.startswith("oidc-")

    # OmaStadi round 1 takes no proposals: the page says so, offers no
    # form, and a crafted POST is refused with nothing stored.
    page.goto("/fi/budgeting/rounds/1/propose/")
    assert "Tämä kierros ei ota nyt vastaan ehdotuksia." in page.inner_text("main")
    assert page.locator("form.proposal-form").count() == 0
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/fi/budgeting/rounds/1/propose/",
        form={"title": "Liian myöhään", "description": "x", "lat": lat, "lon": lon},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert response.status == 400
    assert "ei ota nyt vastaan ehdotuksia" in response.text()
    assert not BudgetProposal.objects.filter(title="Liian myöhään").exists()


def test_the_place_can_be_found_by_name_and_moved_with_the_keyboard(
    provider_page, oidc, taking_proposals
):
    page = provider_page
    open_the_form_signed_in(page, oidc)

    page.get_by_label("Hae paikkaa nimellä").fill("Kallio")
    page.keyboard.press("Enter")
    found = page.locator("#place-results button").first
    found.focus()
    page.keyboard.press("Enter")
    lon = float(page.get_by_label("Pituusaste").input_value())
    # The marker has the focus: the arrow keys move it east.
    assert page.evaluate("document.activeElement.classList.contains('pick-marker')")
    page.keyboard.press("ArrowRight")
    moved = float(page.get_by_label("Pituusaste").input_value())
    assert moved > lon
    lat = float(page.get_by_label("Leveysaste").input_value())
    assert locate(point_at(lon=moved, lat=lat))["district"]["name_fi"] == "Kallio"
