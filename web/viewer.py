"""Who is asking, the same on plain Django views as on the DRF API: the
API's own authenticators (settings.REST_FRAMEWORK
``DEFAULT_AUTHENTICATION_CLASSES``: a token, then the session), in their
order. A GIS client signed in with ``Authorization: Token ...`` is then the
same user on ``/ogc/``, the tiles, the polygon query and the feeds as on
``/api/v1/``."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings

from web.errors import error_response


class _PlainViewSession(SessionAuthentication):
    # DRF checks CSRF itself because DRF views are exempt from Django's
    # check. Plain views are not: CsrfViewMiddleware has already checked
    # them, or they check it themselves (the polygon query, for callers
    # signed in by session: maps.query.csrf_refusal).
    def enforce_csrf(self, request: Request) -> None:
        return None


def authenticators() -> list[BaseAuthentication]:
    classes: list[type[BaseAuthentication]] = list(
        api_settings.DEFAULT_AUTHENTICATION_CLASSES  # type: ignore[arg-type]
    )
    return [
        _PlainViewSession() if issubclass(cls, SessionAuthentication) else cls()
        for cls in classes
    ]


def viewer_of(request: HttpRequest) -> User | AnonymousUser:
    """The user a plain view answers for; anonymous without credentials.

    Wrong credentials (an unknown or inactive token) raise DRF's
    ``AuthenticationFailed``, which ``RefusedCredentialsMiddleware``
    answers with 401, as the API does. The user found is also set as
    ``request.user``, so the request log names them.
    """
    user = Request(request, authenticators=authenticators()).user
    return user  # type: ignore[return-value]


class RefusedCredentialsMiddleware:
    """Answer credentials that ``viewer_of`` refused on a plain
    view (an unknown or inactive token) with 401 and ``WWW-Authenticate``,
    as DRF's views answer them, in JSON or HTML as ``web.errors`` picks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, AuthenticationFailed):
            return None
        challenge = authenticators()[0].authenticate_header(request)  # type: ignore[arg-type]
        headers = {"WWW-Authenticate": challenge} if challenge else {}
        return error_response(request, 401, str(exception.detail), **headers)
