"""Cross-cutting HTTP behaviour: structured request logs, the CSP header and
the shape every request must have."""

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from web.clientip import client_ip
from web.text import refuse_controls

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
            if getattr(request.resolver_match, "url_name", None)
            in ("healthz", "readyz")
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


class RequestShapeMiddleware:
    """Refuse, before any view runs, what no view can use: a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413, DRF's parsers included, which
    read the stream past Django's own check), a malformed Content-Length,
    and control characters (web.text) in the path, the query string or a
    form field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Imported here: logging loads this module (JsonFormatter) before
        # the apps, and web.errors needs DRF.
        from web.errors import error_response

        try:
            self.check(request)
        except ValidationError as error:
            status = 413 if error.code == "too_large" else 400
            return error_response(request, status, " ".join(error.messages))
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        raw_length = request.META.get("CONTENT_LENGTH") or "0"
        if not raw_length.isascii() or not raw_length.isdigit():
            raise ValidationError(
                f"Content-Length {raw_length[:20]!r} is not a number of bytes."
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and int(raw_length) > limit:
            raise ValidationError(
                f"The request body is {raw_length} bytes; at most {limit} are "
                "accepted.",
                code="too_large",
            )
        refuse_controls(request.path, name="path")
        for name, values in request.GET.lists():
            refuse_controls(name, name=name)
            for value in values:
                refuse_controls(value, name=name)
        if request.content_type in FORM_TYPES:
            for name, values in request.POST.lists():
                for value in values:
                    refuse_controls(value, name=name)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
