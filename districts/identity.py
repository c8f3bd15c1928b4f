"""Residents sign in through OpenID Connect, as the City's own services do
through Helsinki's identity service in front of Suomi.fi e-identification.

The client is mozilla-django-oidc. This module adds what Piiri needs on top:

- a resident's account is found by the provider's stable subject, kept only
  as a keyed digest in the username (never the subject in clear, which for
  Suomi.fi may derive from the personal identity code);
- the strong-identification claims (birth date, home municipality, home
  major district, level of assurance) are not stored with the account: they
  live in the signed-in session only, fresh from the provider at each
  sign-in, and ``identity_of(request)`` is how the rest of Piiri reads them.

Which claim carries what is configurable (``OIDC_CLAIM_*`` settings), since
identity services name them differently.
"""

import datetime as dt
import hashlib
import hmac
import logging
from typing import Any, TypedDict, cast
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

logger = logging.getLogger(__name__)

SESSION_KEY = "piiri_identity"
USERNAME_PREFIX = "oidc-"


class Identity(TypedDict):
    """What the identity service vouched for at sign-in."""

    issuer: str
    subject: str
    level_of_assurance: str
    birth_date: str  # ISO date, or "" when the provider did not say
    municipality: str  # Statistics Finland's code; "091" is Helsinki
    home_major_district: str  # official code; "" outside Helsinki
    identified_at: str  # ISO timestamp of the sign-in


def username_for(subject: str) -> str:
    """The username of the account signed in as ``subject``: a keyed digest,
    so the same person always finds the same account and the subject itself
    is never stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"oidc:{subject}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{USERNAME_PREFIX}{digest[:40]}"


def identity_from_claims(claims: dict[str, Any]) -> Identity:
    def claim(name: str) -> str:
        value = claims.get(getattr(settings, name))
        return "" if value is None else str(value).strip()[:100]

    return Identity(
        issuer=settings.OIDC_OP_ISSUER,
        subject=str(claims["sub"]),
        level_of_assurance=claim("OIDC_CLAIM_LOA"),
        birth_date=claim("OIDC_CLAIM_BIRTH_DATE"),
        municipality=claim("OIDC_CLAIM_MUNICIPALITY"),
        home_major_district=claim("OIDC_CLAIM_HOME_MAJOR_DISTRICT"),
        identified_at=dt.datetime.now(dt.UTC).isoformat(),
    )


def identity_of(request: HttpRequest) -> Identity | None:
    """The identity the signed-in resident proved at sign-in, or None (not
    signed in, or signed in with a staff password)."""
    if not request.user.is_authenticated:
        return None
    identity = request.session.get(SESSION_KEY)
    return cast(Identity, identity) if isinstance(identity, dict) else None


def is_strong(identity: Identity | None) -> bool:
    """Strong identification, as the configured levels of assurance define
    it (eIDAS 'substantial' or 'high' by default)."""
    return (
        identity is not None
        and identity["level_of_assurance"] in settings.OIDC_STRONG_LOA_VALUES
    )


def verified_email(claims: dict[str, Any]) -> str:
    """The e-mail address the provider vouches for (``email_verified`` not
    false), for digests; empty when there is none or it is malformed."""
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email[:254]


class ResidentOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Finds or creates the resident's account by the subject's digest."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # A provider that is down, answers nonsense or sends a token that
        # does not verify signs nobody in: the resident is sent back to the
        # sign-in page with a message, never shown a 500.
        try:
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            jwt.PyJWTError,
            SuspiciousOperation,
            KeyError,
            ValueError,
        ) as error:
            logger.warning("OIDC sign-in failed: %s: %s", type(error).__name__, error)
            return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get("sub") or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username=username_for(claims["sub"]))

    def create_user(self, claims: dict[str, Any]) -> User:
        user = self.UserModel(
            username=username_for(claims["sub"]),
            first_name=str(claims.get("given_name") or "")[:150],
            email=verified_email(claims),
        )
        user.set_unusable_password()
        user.save()
        return self._remember(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        email = verified_email(claims)
        if email and email != user.email:
            # Digests go where the identity service says the resident
            # reads mail now.
            user.email = email
            user.save(update_fields=["email"])
        return self._remember(user, claims)

    @staticmethod
    def _remember(user: User, claims: dict[str, Any]) -> User:
        # Carried to the callback view, which puts it in the new session
        # after login() has cycled the session key.
        user.piiri_identity = identity_from_claims(claims)  # type: ignore[attr-defined]
        return user


class ResidentCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        identity = getattr(self.user, "piiri_identity", None)
        if identity is not None:
            self.request.session[SESSION_KEY] = identity
        return response


def provider_logout_url(request: HttpRequest) -> str:
    """Where signing out sends the browser: the provider's end-session
    endpoint (so the resident is signed out there too), then back here."""
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not endpoint:
        return settings.LOGOUT_REDIRECT_URL
    params = {"post_logout_redirect_uri": request.build_absolute_uri(reverse("home"))}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


def sign_in(request: HttpRequest) -> dict[str, Any]:
    """Template context: whether residents can sign in through OIDC."""
    return {"oidc_enabled": bool(settings.OIDC_RP_CLIENT_ID)}
