"""One sign-in lockout for every way in (django-axes), keyed on the
normalised username and the client address, and tokens that expire and
can be revoked."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


def admin_login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


def web_login(client, username, password, **extra):
    return client.post(
        "/fi/accounts/login/", {"username": username, "password": password}, **extra
    )


def test_twelve_wrong_admin_passwords_lock_the_account(client):
    UserFactory(username="sec_admin", is_staff=True, is_superuser=True)
    statuses = [
        admin_login(client, "sec_admin", "wrong").status_code for _ in range(12)
    ]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[4:]) == {429}
    locked = admin_login(client, "sec_admin", PASSWORD)
    assert locked.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="sec_admin").failures_since_start >= 12


def test_a_full_width_username_is_the_same_account_for_the_lock(client):
    UserFactory(username="sec_res2")
    for _ in range(3):
        web_login(client, "sec_res2", "wrong")
    for _ in range(2):
        web_login(client, "ｓｅｃ_res2", "wrong")
    # Five failures under two spellings lock the one account, whichever
    # spelling then tries, even with the right password.
    for spelling in ("ｓｅｃ_res2", "sec_res2", "SEC_RES2"):
        assert web_login(client, spelling, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "sec_res2"


def test_the_lock_lasts_the_configured_time_and_then_lifts(client, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    UserFactory(username="waiting", is_staff=True)
    for _ in range(5):
        web_login(client, "waiting", "wrong")
    attempt = AccessAttempt.objects.get()
    now = attempt.attempt_time
    AccessAttempt.objects.update(attempt_time=now - dt.timedelta(minutes=14))
    assert web_login(client, "waiting", PASSWORD).status_code == 429
    # The failed try during the lock restarted it; wind back past 15 minutes.
    AccessAttempt.objects.update(attempt_time=now - dt.timedelta(minutes=16))
    signed_in = web_login(client, "waiting", PASSWORD)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_token_endpoint_shares_the_lock(client):
    UserFactory(username="apiuser")
    for _ in range(5):
        web_login(client, "apiuser", "wrong")
    refused = client.post(TOKEN, {"username": "ａｐｉｕｓｅｒ", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in refused.json()["detail"]
    assert not Token.objects.exists()


def test_behind_the_proxy_one_client_does_not_lock_out_the_others(client, settings):
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    UserFactory(username="target", is_staff=True)
    for _ in range(5):
        web_login(
            client, "target", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
        )
    assert (
        web_login(
            client, "target", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
        ).status_code
        == 429
    )
    # The account's owner, at another address behind the same proxy.
    owner = web_login(
        client, "target", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert owner.status_code == 302
    # A client-written entry left of the proxy's own does not change the key.
    client.logout()
    spoofed = web_login(
        client,
        "target",
        PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.44, 203.0.113.9",
        **proxy,
    )
    assert spoofed.status_code == 429


def test_a_token_can_be_revoked(client, planner):
    key = client.post(TOKEN, {"username": "planner", "password": PASSWORD}).json()[
        "token"
    ]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    assert client.delete(TOKEN, **auth).status_code == 204
    assert not Token.objects.filter(key=key).exists()
    gone = client.get("/api/v1/me", **auth)
    assert gone.status_code == 401
    assert client.delete(TOKEN).status_code == 401


def test_a_token_expires_after_the_configured_time(client, planner, settings):
    settings.TOKEN_TTL = dt.timedelta(hours=2)
    key = client.post(TOKEN, {"username": "planner", "password": PASSWORD}).json()[
        "token"
    ]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    Token.objects.update(created=Token.objects.get().created - dt.timedelta(hours=3))
    expired = client.get("/api/v1/me", **auth)
    assert expired.status_code == 401
    assert "vanhentunut" in expired.json()["detail"]  # expired, in Finnish
    fresh = client.post(TOKEN, {"username": "planner", "password": PASSWORD}).json()
    assert fresh["token"] != key
    assert (
        client.get(
            "/api/v1/me", HTTP_AUTHORIZATION=f"Token {fresh['token']}"
        ).status_code
        == 200
    )


def test_password_sign_in_is_for_staff_only(client):
    resident = UserFactory(username="asukas")
    refused = web_login(client, "asukas", PASSWORD)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Käyttäjätunnus ja salasana ovat kaupungin henkilöstölle" in page
    assert "Tunnistaudu vahvasti" in page
    assert "_auth_user_id" not in client.session

    resident.is_staff = True
    resident.save()
    assert web_login(client, "asukas", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_an_api_token_is_for_staff_only_too(client, planner):
    resident = UserFactory(username="asukas-api")
    refused = client.post(
        TOKEN,
        {"username": "asukas-api", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert "Username and password are for city staff" in refused.json()["detail"]
    assert not Token.objects.filter(user=resident).exists()

    issued = client.post(TOKEN, {"username": "planner", "password": PASSWORD})
    assert issued.status_code == 200
    assert Token.objects.get(user=planner).key == issued.json()["token"]


def test_planners_sign_in_with_a_password(client, planner):
    assert web_login(client, "planner", PASSWORD).status_code == 302
