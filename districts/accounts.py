"""Signing in: session login for the web, tokens for API clients, and the
throttles both share, so guessing passwords is as slow through either door.

Two limits apply: ``LoginThrottle`` (web.ratelimit) caps sign-in attempts
per client address, and the failure count here locks one username after
``MAX_FAILURES`` wrong passwords from anywhere, which a spread-out guesser
cannot get round by changing address."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from web.ratelimit import LoginThrottle, rate_limited

# Failed sign-ins allowed per client address and per username in a window.
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a client must not pick its own key.
    return request.META.get("REMOTE_ADDR", "unknown")


def failure_keys(request: HttpRequest, username: str) -> list[str]:
    return [
        f"login-failures:addr:{client_address(request)}",
        f"login-failures:user:{username.strip().lower()[:150]}",
    ]


def login_blocked(request: HttpRequest, username: str) -> bool:
    return any(
        cache.get(key, 0) >= MAX_FAILURES for key in failure_keys(request, username)
    )


def login_failed(request: HttpRequest, username: str) -> None:
    for key in failure_keys(request, username):
        cache.add(key, 0, WINDOW_SECONDS)
        cache.incr(key)


def login_succeeded(request: HttpRequest, username: str) -> None:
    cache.delete(failure_keys(request, username)[1])


BLOCKED_MESSAGE = (
    f"Too many failed sign-ins; try again in {WINDOW_SECONDS // 60} minutes."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if self.request is not None and login_blocked(self.request, username):
            raise ValidationError(BLOCKED_MESSAGE, code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None:
                login_failed(self.request, username)
            raise


@method_decorator(rate_limited(LoginThrottle), name="dispatch")
class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "districts/login.html"

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if login_blocked(self.request, form.data.get("username", "")):
            response.status_code = 429
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        login_succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)


class TokenCreateApi(APIView):
    """Exchange a username and password for an API token (``Authorization:
    Token <key>``). Failed attempts are throttled like the web login."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [LoginThrottle]

    @extend_schema_serializer(component_name="TokenInput")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"})

    @extend_schema(
        request=InputSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        if login_blocked(request, username):
            return Response(
                {"detail": BLOCKED_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        user = authenticate(
            request, username=username, password=serializer.validated_data["password"]
        )
        if user is None:
            login_failed(request, username)
            return Response(
                {"detail": "Wrong username or password."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        login_succeeded(request, username)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
