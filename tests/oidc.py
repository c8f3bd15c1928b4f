"""The local OpenID Connect provider (scripts/oidc) for tests: a real
provider on loopback, so sign-in runs the real redirect flow, token
exchange, signature check and userinfo call."""

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_RESIDENT = "demo-resident-kallio"  # Helsinki, major district 3, born 1990
YOUNG_RESIDENT = "demo-resident-vuosaari"  # Helsinki, major district 5, born 2010
ESPOO_RESIDENT = "demo-resident-espoo"  # lives in Espoo (049)


def provider_settings() -> dict[str, str]:
    subprocess.run(
        [ROOT / "scripts" / "oidc", "start"], check=True, capture_output=True
    )
    lines = subprocess.run(
        [ROOT / "scripts" / "oidc", "env"], check=True, capture_output=True, text=True
    ).stdout.split()
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture(scope="session")
def oidc_provider() -> dict[str, str]:
    return provider_settings()


@pytest.fixture
def oidc(settings, oidc_provider) -> dict[str, str]:
    """Piiri pointed at the local provider, whatever the environment says."""
    for name, value in oidc_provider.items():
        # As django-environ reads them: "false"/"true" are booleans.
        setattr(settings, name, {"false": False, "true": True}.get(value, value))
    return oidc_provider


def sign_in(client, subject: str, *, next_url: str = "/fi/"):
    """Run the flow; return the response of Piiri's callback."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["nonce"] and query["state"]
    # The resident picks who they are on the provider's own form.
    consent = httpx.post(authorize, data={"sub": subject}, timeout=10)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["location"])
    assert back.path == "/oidc/callback/"
    return client.get(back.path, parse_qs(back.query))
