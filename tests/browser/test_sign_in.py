"""A resident signs in and out in Chromium through the local OpenID Connect
provider (scripts/oidc): Piiri's sign-in page, the provider's own form, the
callback, and the provider's sign-out. Every other host stays blocked."""

import re

import pytest

from tests.browser.conftest import serious_violations
from tests.browser.provider import provider_page
from tests.oidc import DEMO_RESIDENT, oidc, oidc_provider

__all__ = ["oidc", "oidc_provider", "provider_page"]

pytestmark = pytest.mark.browser


def me(page) -> dict:
    response = page.request.get("/api/v1/me")
    assert response.ok
    return response.json()


def test_a_resident_signs_in_and_out_through_the_identity_service(
    provider_page, oidc, axe
):
    page = provider_page
    page.goto("/accounts/login/?next=/fi/")
    assert serious_violations(axe, page) == []
    page.get_by_role("link", name="Tunnistaudu vahvasti").click()

    # The provider's own page: the resident picks who they are.
    page.wait_for_url(
        re.compile(re.escape(oidc["OIDC_OP_ISSUER"]) + "/oauth2/authorize")
    )
    page.get_by_role("button", name=DEMO_RESIDENT).click()

    page.wait_for_url(re.compile(r"/fi/$"))
    signed_in = me(page)
    assert signed_in["username"].startswith("oidc-")
    assert DEMO_RESIDENT not in signed_in["username"]

    # Signing out goes through the provider's end-session page and back.
    page.request.get("/accounts/login/")  # a CSRF cookie for the form post
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/oidc/logout/", headers={"X-CSRFToken": csrf}, max_redirects=0
    )
    assert response.status == 302
    assert response.headers["location"].startswith(
        oidc["OIDC_OP_ISSUER"] + "/oauth2/end_session"
    )
    page.goto(response.headers["location"])
    page.get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    assert page.request.get("/api/v1/me").status in (401, 403)
