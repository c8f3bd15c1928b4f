"""The local OpenID Connect provider (scripts/oidc) seen from Chromium."""

import re
from urllib.parse import urlsplit

from tests.browser.conftest import Guard


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
