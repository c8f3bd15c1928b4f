"""Residents sign in through the local OpenID Connect provider: the real
authorization-code flow, with the browser's part played by httpx (the
browser test, tests/browser/test_sign_in.py, plays it in Chromium)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User

from districts.identity import SESSION_KEY, identity_of, username_for
from tests.oidc import DEMO_RESIDENT, ESPOO_RESIDENT, oidc, oidc_provider, sign_in

__all__ = ["oidc", "oidc_provider"]

pytestmark = pytest.mark.django_db


def test_a_resident_signs_in_and_the_session_holds_the_proved_identity(client, oidc):
    response = sign_in(client, DEMO_RESIDENT, next_url="/fi/")
    assert response.status_code == 302
    assert response["Location"] == "/fi/"

    user = User.objects.get(username=username_for(DEMO_RESIDENT))
    assert DEMO_RESIDENT not in user.username
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    identity = client.session[SESSION_KEY]
    assert identity["subject"] == DEMO_RESIDENT
    assert identity["issuer"] == oidc["OIDC_OP_ISSUER"]
    assert identity["municipality"] == "091"
    assert identity["home_major_district"] == "3"
    assert identity["birth_date"] == "1990-05-01"
    assert identity["level_of_assurance"] == "substantial"


def test_signing_in_again_finds_the_same_account(client, oidc):
    sign_in(client, DEMO_RESIDENT)
    first = User.objects.get(username=username_for(DEMO_RESIDENT))
    client.logout()
    sign_in(client, DEMO_RESIDENT)
    assert User.objects.filter(username=username_for(DEMO_RESIDENT)).count() == 1
    assert client.session["_auth_user_id"] == str(first.pk)


def test_each_person_has_their_own_account(client, oidc):
    sign_in(client, DEMO_RESIDENT)
    client.logout()
    sign_in(client, ESPOO_RESIDENT)
    assert client.session[SESSION_KEY]["municipality"] == "049"
    kallio = User.objects.get(username=username_for(DEMO_RESIDENT))
    espoo = User.objects.get(username=username_for(ESPOO_RESIDENT))
    assert kallio.pk != espoo.pk
    assert client.session["_auth_user_id"] == str(espoo.pk)


def test_a_forged_callback_signs_nobody_in(client, oidc):
    # The browser test's live server may have committed a demo account.
    accounts = User.objects.filter(username__startswith="oidc-").count()
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/", {"code": "forged", "state": "forged"})
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(username__startswith="oidc-").count() == accounts


def test_signing_out_ends_the_session_at_the_provider_too(client, oidc):
    sign_in(client, DEMO_RESIDENT)
    response = client.post("/oidc/logout/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}" == oidc["OIDC_OP_ISSUER"]
    assert target.path == "/oauth2/end_session"
    assert parse_qs(target.query)["id_token_hint"]
    assert "_auth_user_id" not in client.session


def test_a_password_sign_in_has_no_proved_identity(rf, resident, oidc):
    request = rf.get("/")
    request.user = resident
    request.session = {}
    assert identity_of(request) is None


def test_the_sign_in_page_offers_strong_identification(client, oidc):
    page = client.get("/fi/accounts/login/", {"next": "/fi/"}).content.decode()
    assert 'href="/oidc/authenticate/?next=/fi/"' in page


def test_without_a_provider_the_sign_in_page_offers_only_passwords(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get("/fi/accounts/login/").content.decode()
    assert "/oidc/authenticate/" not in page


def test_a_provider_that_is_down_sends_the_resident_back_with_a_message(
    client, oidc, settings
):
    client.get("/oidc/authenticate/")
    state = client.session["oidc_states"]
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens
    response = client.get(
        "/oidc/callback/", {"code": "anything", "state": next(iter(state))}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?oidc=failed"
    # The old address answers 308 to the page under the visitor's language.
    moved = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert moved["Location"] == "/en/accounts/login/?oidc=failed"
    page = client.get(moved["Location"])
    assert "did not succeed" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_the_provider_vouches_for_is_kept_for_digests(client, oidc):
    sign_in(client, DEMO_RESIDENT)
    user = User.objects.get(username=username_for(DEMO_RESIDENT))
    assert user.email == f"{DEMO_RESIDENT}@example.org"
    # A later sign-in brings the provider's current address.
    User.objects.filter(pk=user.pk).update(email="old@example.org")
    client.logout()
    sign_in(client, DEMO_RESIDENT)
    user.refresh_from_db()
    assert user.email == f"{DEMO_RESIDENT}@example.org"


@pytest.mark.parametrize(
    "claims, expected",
    [
        ({"email": "a@example.org", "email_verified": True}, "a@example.org"),
        ({"email": "a@example.org"}, "a@example.org"),
        ({"email": "a@example.org", "email_verified": False}, ""),
        ({"email": "not an address"}, ""),
        ({}, ""),
    ],
)
def test_only_a_vouched_well_formed_address_is_kept(claims, expected):
    from districts.identity import verified_email

    assert verified_email(claims) == expected
