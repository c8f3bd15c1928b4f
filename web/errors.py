"""How errors reach clients: validation errors as 400 (DRF and plain views),
a database outage as 503 with Retry-After, and error pages without stack
traces or SQL."""

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler

from geo.params import GeometryTooLargeError


def validation_messages(error: ValidationError) -> Any:
    """``{"detail": <every message>}``, and for errors raised per field the
    field's messages under its name too (``{"area": [...]}``), so a client
    finds the same ``detail`` on every surface."""
    detail = {"detail": " ".join(error.messages)}
    if hasattr(error, "error_dict"):
        return {**detail, **error.message_dict}
    return detail


def status_of(error: ValidationError) -> int:
    # An input geometry over the size limit is "content too large", not
    # merely malformed.
    return 413 if isinstance(error, GeometryTooLargeError) else 400


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        return Response(validation_messages(exc), status=status_of(exc))
    if isinstance(exc, DATABASE_ERRORS):
        return Response(
            {
                "detail": _(
                    "The service is briefly unavailable. Please try again shortly."
                )
            },
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return exception_handler(exc, context)


def bad_input_is_400(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Answer a ValidationError raised by a plain Django view with a JSON 400
    (413 for an oversize geometry), and Http404 with a JSON 404 that keeps
    its message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            return JsonResponse(validation_messages(error), status=status_of(error))
        except Http404 as error:
            return JsonResponse({"detail": str(error) or "Not found."}, status=404)

    return wrapped


# --- Error pages ----------------------------------------------------------
# Django calls these (config.urls handler400 ... handler500) when DEBUG is
# off. They never show a stack trace or SQL: the log has those. API clients
# get JSON, browsers a short page in the request's language.

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5

_JSON_PREFIXES = ("/api/", "/ogc/", "/tiles/")


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(_JSON_PREFIXES) or (
        "json" in accept and "html" not in accept
    )


def error_response(
    request: HttpRequest, status: int, message: str, **headers: str
) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(
            format_html(
                '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8">'
                "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p>"
                "</main></body></html>",
                get_language() or "fi",
                status,
                status,
                message,
            ),
            status=status,
        )
    for name, value in headers.items():
        response[name] = value
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    return error_response(
        request,
        503,
        str(_("The service is briefly unavailable. Please try again shortly.")),
        **{"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 400, str(_("Bad request.")))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 403, str(_("Permission denied.")))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 404, str(_("Not found.")))


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled: a database that is down
    # or restarting is a 503 the client may retry, not a bug.
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return database_unavailable(request)
    return error_response(request, 500, str(_("Internal server error.")))
