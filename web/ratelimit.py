"""Rate limits: one mechanism for DRF views and plain Django views.

Counts live in Django's default cache, a table in PostgreSQL
(settings.CACHES), so every gunicorn worker and every app server shares
them. Rates are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], from
RATE_LOGIN, RATE_BALLOT, RATE_POLYGON_QUERY, RATE_POLYGON_EXPORT). A client
over the limit gets 429 with Retry-After (seconds).

DRF view::

    class BallotSubmitApi(APIView):
        throttle_classes = [BallotThrottle]

Plain view::

    @rate_limited(LoginThrottle)
    def login(request): ...

The client is the logged-in user, else the address web.clientip gives
(X-Forwarded-For only to the depth settings.NUM_PROXIES). DRF's sliding
window reads and writes the count without a lock, so a burst of parallel
requests from one client can overshoot a limit by the number of requests
in flight; that bounds abuse, which is the point, not billing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from web.clientip import client_ip
from web.errors import error_response


class ScopeThrottle(SimpleRateThrottle):
    """Limit one scope per client; only the listed methods count."""

    methods: tuple[str, ...] | None = None

    def allow_request(self, request: Request | HttpRequest, view: Any) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return True
        return super().allow_request(request, view)  # type: ignore[arg-type]

    def get_cache_key(self, request: Request, view: APIView | None) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = f"ip-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginThrottle(ScopeThrottle):
    scope = "login"
    methods = ("POST",)


class BallotThrottle(ScopeThrottle):
    scope = "ballot"
    methods = ("POST", "PUT", "PATCH")


class PolygonQueryThrottle(ScopeThrottle):
    scope = "polygon_query"


class FeedbackThrottle(ScopeThrottle):
    scope = "feedback"
    methods = ("POST",)


class ClientKeyThrottle(ScopeThrottle):
    """One client application's own limit: ``rate`` counted per ``ident``
    (its API key's id), whoever is signed in."""

    scope = "client_key"

    def __init__(self, *, ident: str, rate: str) -> None:
        self.ident = ident
        self.rate = rate
        super().__init__()

    def get_cache_key(self, request: Request, view: APIView | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


class PolygonExportThrottle(ScopeThrottle):
    """CSV and GeoPackage downloads of a query: a city-wide GeoPackage costs
    seconds of CPU, so they have a lower rate of their own."""

    scope = "polygon_export"


def rate_limited(
    throttle_class: type[ScopeThrottle],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Apply a throttle to a plain Django view (or a view function)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                return too_many_requests(request, throttle.wait())
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def too_many_requests(request: HttpRequest, wait: float | None) -> HttpResponse:
    seconds = max(1, round(wait or 1))
    return error_response(
        request,
        429,
        _("Too many requests. Try again in %(seconds)d seconds.")
        % {"seconds": seconds},
        **{"Retry-After": str(seconds)},
    )
