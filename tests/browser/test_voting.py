"""A resident takes part in Chromium, end to end through the local OpenID
Connect provider: sign in, propose with a point picked on the map while the
round takes proposals (refused once it does not), choose plans under a live
budget bar that keeps an over-budget choice out once voting opens, see and
check the receipt, sign out; signed in again as the same person, they
cannot vote twice."""

import re
from urllib.parse import urlencode

import pytest

from budgeting.models import Ballot
from cases.models import BudgetProposal
from tests.browser.conftest import OUTPUT, serious_violations
from tests.browser.provider import provider_page, sign_in_through_provider
from tests.browser.voting import (
    create_voting_round,
    delete_round,
    move_to_voting,
    plan_id,
)
from tests.committed import committed
from tests.oidc import DEMO_RESIDENT, oidc, oidc_provider

__all__ = ["oidc", "oidc_provider", "provider_page"]

NUMBER = 9601


@pytest.fixture(scope="module")
def voting_round(site, django_db_blocker):
    with committed(django_db_blocker):
        round_ = create_voting_round(NUMBER, proposing=True)
        yield round_
        delete_round(round_)


def shot(page, name):
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"voting-{name}.png", full_page=True)


def crafted_post(page, path, fields):
    """A POST made by hand, past the page's checks."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    body = urlencode([("csrfmiddlewaretoken", token), *fields])
    return page.request.post(
        path,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )


def crafted_vote(page, vote_path, *plans):
    return crafted_post(page, vote_path, [("plan", plan) for plan in plans])


def propose_with_a_map_point(page, title):
    page.wait_for_selector("#propose-map[data-ready=true]")
    page.fill("#id_title", title)
    page.fill("#id_description", "Street trees on Kallio's side streets.")
    # Typed coordinates centre the map on Kallio; then a click on the map,
    # east of the marker, picks the place.
    page.fill("#id_lat", "60.1841")
    page.fill("#id_lon", "24.9497")
    page.locator("#id_lon").dispatch_event("change")
    box = page.locator("#propose-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2)
    picked = float(page.input_value("#id_lon"))
    assert 24.9500 < picked < 24.9600, picked
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fi/budgeting/my-proposals/$"))
    assert title in page.locator("main").inner_text()
    return picked


def test_a_resident_proposes_then_votes_once_and_checks_the_receipt(
    provider_page, site, oidc, voting_round, axe
):
    page = provider_page
    issuer = oidc["OIDC_OP_ISSUER"]
    propose_path = f"/fi/budgeting/rounds/{NUMBER}/propose/"
    vote_path = f"/fi/budgeting/rounds/{NUMBER}/vote/"
    park, library, benches, festival = (
        plan_id(voting_round, title)
        for title in (
            "Demo: Kallio park",
            "Demo: Kallio library",
            "Demo: Kallio benches",
            "Demo: city festival",
        )
    )

    # Proposal phase: the resident proposes with a point on the map.
    page.goto(propose_path)
    page.locator("main a[href*='/accounts/login/']").click()
    sign_in_through_provider(page, site, issuer, DEMO_RESIDENT)
    assert page.url == site + propose_path
    title = "Demo: more street trees in Kallio"
    picked = propose_with_a_map_point(page, title)
    proposal = BudgetProposal.objects.get(round=voting_round, title=title)
    assert proposal.district.code == "3"
    assert abs(proposal.location.transform(4326, clone=True).x - picked) < 1e-5
    # Voting has not started.
    page.goto(vote_path)
    assert "Tänään se ei ole auki" in page.locator("main").inner_text()
    assert page.locator("input[name=plan]").count() == 0

    move_to_voting(voting_round)

    # Proposals are closed now: the page says so, the server refuses.
    page.goto(propose_path)
    assert page.locator(".notice-closed").is_visible()
    late = crafted_post(
        page,
        propose_path,
        [
            ("title", "Demo: too late"),
            ("description", "x"),
            ("lat", "60.1841"),
            ("lon", "24.9497"),
        ],
    )
    assert late.status == 400
    assert not BudgetProposal.objects.filter(title="Demo: too late").exists()

    page.goto(vote_path)
    assert serious_violations(axe, page) == []
    shot(page, "vote")
    # Kallio is in Keskinen: its plans and the city-wide ones, no others.
    assert page.locator("input[name=plan]").count() == 4
    assert "Vuosaari" not in page.locator("main").inner_text()

    keskinen = page.locator("fieldset[data-pool]").first
    page.get_by_label("Demo: Kallio park").check()
    status = keskinen.locator("[data-status]")
    assert "900 000 €" in status.inner_text().replace("\xa0", " ")
    # The library (600 000 €) no longer fits the 1 257 927 € budget.
    library_box = page.locator(f"#plan-{library}")
    assert library_box.is_disabled()
    note = page.locator(f"#plan-{library}-note")
    assert "357 927" in note.inner_text().replace("\xa0", " ")
    assert library_box.get_attribute("aria-describedby").endswith(
        f"plan-{library}-note"
    )
    shot(page, "vote-full")

    # Forced past the disabled box, the page refuses the choice.
    page.evaluate(f"document.getElementById('plan-{library}').disabled = false")
    library_box.click(force=True)
    assert not library_box.is_checked()
    assert "Poista" in page.locator("[data-form-message]").inner_text()

    # A crafted over-budget request is refused by the server; nothing stored.
    refused = crafted_vote(page, vote_path, park, library)
    assert refused.status == 400
    assert "enemmän kuin budjetti" in refused.text()
    assert not Ballot.objects.filter(round=voting_round).exists()

    # Keyboard: back past the disabled library to the benches, Space to
    # choose them.
    page.locator(f"#plan-{park}").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == f"plan-{benches}"
    page.keyboard.press("Space")
    page.get_by_label("Demo: city festival").check()
    page.get_by_role("button", name="Lähetä ääneni").click()

    page.wait_for_url(re.compile(rf"/fi/budgeting/rounds/{NUMBER}/my-ballot/$"))
    assert serious_violations(axe, page) == []
    shot(page, "ballot")
    code = page.locator("#receipt-code").inner_text().strip()
    ballot = Ballot.objects.get(round=voting_round)
    assert code == ballot.receipt_code
    assert sorted(c.plan_id for c in ballot.choices.all()) == sorted(
        [park, benches, festival]
    )

    page.get_by_role("link", name="Tarkista tämä kuittikoodi").click()
    page.wait_for_url(re.compile(r"/fi/budgeting/receipts/"))
    page.get_by_label("Kuittikoodi").fill(code.lower())
    page.get_by_role("button", name="Tarkista").click()
    result = page.locator("#receipt-result").inner_text()
    assert code in result and voting_round.name in result
    assert "park" not in result.lower()
    assert serious_violations(axe, page) == []
    shot(page, "receipt")

    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()
    page.wait_for_load_state()
    page.goto(vote_path)
    assert page.get_by_role("link", name="Kirjaudu äänestääksesi").is_visible()

    # The same person again: the page says so, and the server refuses.
    page.get_by_role("link", name="Kirjaudu äänestääksesi").click()
    sign_in_through_provider(page, site, issuer, DEMO_RESIDENT)
    assert page.url == site + vote_path
    main = page.locator("main").inner_text()
    assert "olet jo äänestänyt" in main.lower()
    assert page.locator("input[name=plan]").count() == 0
    shot(page, "vote-again")
    again = crafted_vote(page, vote_path, festival)
    assert again.status == 400
    assert Ballot.objects.filter(round=voting_round).count() == 1
