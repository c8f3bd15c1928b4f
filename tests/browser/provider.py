"""The local OpenID Connect provider (scripts/oidc) seen from Chromium."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import OUTPUT, Guard


class ProviderGuard(Guard):
    """Blocks every other host, as Guard does. The provider's own pages ask
    a CDN for their stylesheet: that request is blocked too, but it is the
    provider's, not Piiri's, so it is not counted against the page; nor are
    the console errors of the provider's pages."""

    def __init__(self, site: str, issuer: str):
        super().__init__(site, issuer)
        self.site_host = urlsplit(site).netloc
        self.issuer_host = urlsplit(issuer).netloc

    def route(self, route):
        try:
            on_provider = urlsplit(route.request.frame.url).netloc == self.issuer_host
        except Exception:  # a request with no frame (a service worker)
            on_provider = False
        if on_provider and urlsplit(route.request.url).netloc not in self.hosts:
            route.abort()
        else:
            super().route(route)

    def watch(self, page):
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and urlsplit(page.url).netloc == self.site_host
                and self.errors.append(f"{page.url}: {message.text}")
            ),
        )


def sign_in_through_provider(page, site: str, issuer: str, subject: str) -> None:
    """From Piiri's sign-in page: strong identification, the provider's own
    form, and back."""
    page.locator("#oidc-sign-in").click()
    page.wait_for_url(re.compile(re.escape(issuer) + "/oauth2/authorize"))
    page.get_by_role("button", name=subject).click()
    page.wait_for_url(re.compile(r"^" + re.escape(site)))
    page.wait_for_load_state()


@pytest.fixture
def provider_page(browser, site, oidc, request):
    """A fresh browser (no session) that may reach the provider too."""
    guard = ProviderGuard(site, oidc["OIDC_OP_ISSUER"])
    context = browser.new_context(
        base_url=site, locale="fi-FI", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    context.route("**/*", guard.route)
    page = context.new_page()
    guard.watch(page)
    yield page
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"{request.node.name}.png", full_page=True)
    context.close()
    assert guard.foreign == [], f"requests left the test hosts: {guard.foreign}"
    assert guard.errors == [], f"JavaScript errors: {guard.errors}"
