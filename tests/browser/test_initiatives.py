"""A resident writes an initiative in Chromium, sees same-topic suggestions
before publishing, publishes it; two other residents support it; one of
them sends two supports at once and one is kept. Everyone signs in through
the local OpenID Connect provider (scripts/oidc)."""

import re

import pytest
from django.contrib.auth.models import User

from districts.identity import username_for
from initiatives.models import Initiative, Support
from tests.browser.conftest import OUTPUT, serious_violations
from tests.browser.provider import ProviderGuard
from tests.committed import committed
from tests.oidc import (
    DEMO_RESIDENT,
    ESPOO_RESIDENT,
    YOUNG_RESIDENT,
    oidc,
    oidc_provider,
)

__all__ = ["oidc", "oidc_provider"]

pytestmark = pytest.mark.browser

TITLE = "Keinuja Kluuvin leikkipuistoon (browser test)"


@pytest.fixture
def resident_page(browser, site, oidc, request):
    """A new browser for each resident, signed in as the subject given."""
    opened = []

    def open_as(subject: str):
        guard = ProviderGuard(site, oidc["OIDC_OP_ISSUER"])
        context = browser.new_context(base_url=site, locale="fi-FI")
        context.set_default_timeout(15_000)
        context.route("**/*", guard.route)
        page = context.new_page()
        page.on("pageerror", lambda error: guard.errors.append(str(error)))
        opened.append((context, page, guard, subject))
        page.goto("/accounts/login/?next=/fi/initiatives/")
        page.get_by_role("link", name="Tunnistaudu vahvasti").click()
        page.wait_for_url(re.compile(re.escape(oidc["OIDC_OP_ISSUER"])))
        page.get_by_role("button", name=subject).click()
        page.wait_for_url(re.compile(r"/fi/initiatives/$"))
        return page

    yield open_as
    OUTPUT.mkdir(exist_ok=True)
    for context, page, guard, subject in opened:
        page.screenshot(
            path=OUTPUT / f"{request.node.name}-{subject}.png", full_page=True
        )
        context.close()
        assert guard.foreign == [], f"requests left the test hosts: {guard.foreign}"
        assert guard.errors == [], f"JavaScript errors: {guard.errors}"


@pytest.fixture(scope="module", autouse=True)
def leave_no_initiatives(site, django_db_blocker):
    """The live server commits what the residents do; the session data is
    shared, so it is removed after the module, outside the tests' rolled-back
    transactions (a function fixture's delete would be rolled back too)."""
    yield
    with committed(django_db_blocker):
        Support.objects.filter(initiative__title=TITLE).delete()
        Initiative.objects.filter(title=TITLE).delete()
        User.objects.filter(
            username__in=[
                username_for(s) for s in (DEMO_RESIDENT, YOUNG_RESIDENT, ESPOO_RESIDENT)
            ]
        ).exclude(initiatives__isnull=False).delete()


def test_write_see_suggestions_publish_and_support(resident_page, axe):
    writer = resident_page(DEMO_RESIDENT)
    writer.get_by_role("link", name="Kirjoita aloite").click()
    assert serious_violations(axe, writer) == []
    writer.get_by_label("Otsikko").fill(TITLE)
    writer.get_by_label("Mitä kaupungin pitäisi alkaa tehdä?").fill(
        "Kluuvin leikkipuistoon tarvitaan lisää keinuja lapsille."
    )
    writer.get_by_label("Aihe").select_option("parks")
    writer.get_by_label("Mitä kaupunginosaa se koskee? (valinnainen)").select_option(
        "02"
    )
    writer.get_by_role(
        "button", name="Tallenna luonnos ja katso samankaltaiset"
    ).click()

    # The draft: same-topic suggestions before publishing.
    writer.wait_for_selector(".similar-list")
    suggestions = writer.locator(".similar-list li")
    assert suggestions.count() == 5
    assert "leikkipuisto" in suggestions.all_inner_texts().__str__().lower()
    assert writer.locator(".initiative-status").inner_text() == "luonnos"
    assert serious_violations(axe, writer) == []
    writer.get_by_role("button", name="Julkaise ja kerää kannatusta").click()
    writer.wait_for_selector(".initiative-status:text('kerää kannatusta')")
    initiative = Initiative.objects.get(title=TITLE)
    url = f"/fi/initiatives/{initiative.pk}/"

    for subject in (YOUNG_RESIDENT, ESPOO_RESIDENT):
        supporter = resident_page(subject)
        supporter.goto(url)
        supporter.get_by_role("button", name="Kannata aloitetta").click()
        supporter.wait_for_selector(".supported")
    assert supporter.locator(".support-count").inner_text() == "2"

    # The writer supports too, twice at once from the browser: one is kept.
    writer.goto(url)
    statuses = writer.evaluate(
        """async (url) => {
            const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
            const post = () => fetch(url, {method: "POST",
                headers: {"X-CSRFToken": csrf}}).then(r => r.status);
            return Promise.all([post(), post()]);
        }""",
        f"/api/v1/initiatives/{initiative.pk}/support",
    )
    assert sorted(statuses) == [200, 201]
    assert Support.objects.filter(initiative=initiative).count() == 3
    writer.reload()
    assert writer.locator(".support-count").inner_text() == "3"
    assert writer.locator(".supported").count() == 1
