"""Signing in: session login for the web, tokens for API clients, and one
lockout for every way in.

Two limits apply. ``LoginThrottle`` (web.ratelimit) caps sign-in attempts
per client address. django-axes (settings ``AXES_*``) counts failed
passwords per username and client address on the admin login, the web
login and the token endpoint alike, since all three authenticate through
``AxesStandaloneBackend``; after ``LOGIN_FAILURE_LIMIT`` failures that pair
is locked for ``LOGIN_LOCKOUT_MINUTES``.

Tokens expire ``TOKEN_TTL_HOURS`` after they were issued and can be revoked
with ``DELETE /api/v1/auth/token``.
"""

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.permissions import can_sign_in_with_password
from districts.tokens import ExpiringTokenAuthentication, token_expired
from web.errors import error_response
from web.ratelimit import LoginThrottle, rate_limited


def lockout_username(
    request: HttpRequest, credentials: Mapping[str, Any] | None
) -> str:
    """The name failures are counted under: what Django's login form signs
    in with (NFKC, as ``UsernameField`` normalises), case-folded, so a
    full-width or capitalised variant shares the count of the account."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = getattr(request, "POST", {}).get("username", "")
    return unicodedata.normalize("NFKC", str(raw)).strip().casefold()[:150]


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-ins; try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: Mapping[str, Any] | None,
) -> HttpResponse:
    """The answer to a locked-out sign-in, on every way in."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return error_response(
        request, 429, lockout_message(), **{"Retry-After": str(seconds)}
    )


class StaffPasswordForm(AuthenticationForm):
    """The web password form: for staff accounts only. A resident's right
    password is refused with the way residents sign in, after the lockout
    has counted the attempt like any other."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not can_sign_in_with_password(user):
            raise ValidationError(
                _(
                    "Username and password are for city staff. Residents sign "
                    "in with strong identification: use “Sign in with strong "
                    "identification” on this page."
                ),
                code="not_staff",
            )


@method_decorator(rate_limited(LoginThrottle), name="dispatch")
class ThrottledLoginView(LoginView):
    template_name = "districts/login.html"
    authentication_form = StaffPasswordForm


class TokenCreateApi(APIView):
    """Exchange a staff account's username and password for an API token
    (``Authorization: Token <key>``), or revoke the token the request
    carries (DELETE). Failed attempts are throttled and locked out like the
    web login, and a resident's right password is refused as there (403)."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [LoginThrottle]

    @extend_schema_serializer(component_name="TokenInput")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=4096, style={"input_type": "password"}
        )

    def get_authenticators(self) -> list[Any]:
        if self.request is not None and self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return []

    @extend_schema(
        request=InputSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = get_user_model().normalize_username(
            serializer.validated_data["username"]
        )
        user = authenticate(
            request._request,
            username=username,
            password=serializer.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": lockout_message()},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={
                    "Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
                },
            )
        if user is None:
            return Response(
                {"detail": _("Wrong username or password.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not can_sign_in_with_password(user):
            # As on the web form: a password signs in staff only.
            return Response(
                {
                    "detail": _(
                        "Username and password are for city staff. Residents "
                        "sign in with strong identification (OpenID Connect)."
                    )
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(key=request.auth.key).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
