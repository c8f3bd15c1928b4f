"""Cross-cutting HTTP behaviour: structured request logs and the CSP header."""

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from web.clientip import client_ip

request_log = logging.getLogger("piiri.request")

# Attributes every LogRecord has; anything else was passed with `extra=`.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers (Loki, Elastic, journald)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key != "request":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestLogMiddleware:
    """Log each request once: method, path, status, duration, client, user.

    Query strings are left out: they can carry personal data (addresses as
    coordinates). Health probes log at DEBUG so they do not drown the rest.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "user", None)
        level = (
            logging.DEBUG
            if request.path in ("/healthz", "/readyz")
            else logging.WARNING
            if response.status_code >= 500
            else logging.INFO
        )
        request_log.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "bytes": len(response.content) if not response.streaming else None,
                "client": client_ip(request),
                "user_id": user.pk
                if user is not None and user.is_authenticated
                else None,
            },
        )
        return response


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class LanguageIndependentMiddleware:
    """Take ``Vary: Accept-Language`` and ``Content-Language`` off responses
    whose bytes are the same in every language.

    LocaleMiddleware adds both to every response outside the /fi/, /sv/ and
    /en/ pages. For a vector tile that would make a shared cache keep one
    copy per browser language. Views mark such responses with
    ``language_independent = True``; error messages stay translated and
    keep the header. Listed before LocaleMiddleware, so it sees the response
    after it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, "language_independent", False):
            vary = [
                value.strip()
                for value in response.headers.get("Vary", "").split(",")
                if value.strip() and value.strip().lower() != "accept-language"
            ]
            if vary:
                response.headers["Vary"] = ", ".join(vary)
            else:
                response.headers.pop("Vary", None)
            response.headers.pop("Content-Language", None)
        return response
