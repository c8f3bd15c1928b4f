"""Open311 GeoReport v2 at /open311/v2/: discovery, services, service
definitions, requests (GET and POST) and one request, each as ``.json`` or
``.xml``. Errors answer in the spec's error format with a 4xx."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from districts.permissions import can_give_feedback
from feedback import georeport
from feedback.keys import api_key_get
from feedback.models import ApiKey
from feedback.selectors import feedback_get, feedback_requests, services_open
from feedback.services import Contact, feedback_create
from geo import srid
from geo.params import check_lon_lat, parse_float
from web.ratelimit import ClientKeyThrottle, FeedbackThrottle, ScopeThrottle

# A request is a few kilobytes of text; pictures are linked (media_url),
# not uploaded. A larger body is refused before it is read.
MAX_BODY_BYTES = 64_000

View = Callable[..., HttpResponse]


class RefusedError(Exception):
    """A request the service will not take, with its status code."""

    def __init__(
        self, status: int, description: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def descriptions(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def open311(view: View) -> View:
    """Check the format and answer every failure in the GeoReport error
    format, in that format."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, *args: Any, fmt: str, **kwargs: Any
    ) -> HttpResponse:
        if fmt not in georeport.FORMATS:
            return georeport.errors(
                "json", 400, [f"Format {fmt[:10]!r} is not offered; use json or xml."]
            )
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except ValidationError as error:
            return georeport.errors(fmt, 400, descriptions(error))
        except RefusedError as error:
            response = georeport.errors(fmt, error.status, [error.description])
            if error.retry_after is not None:
                response["Retry-After"] = str(error.retry_after)
            return response
        except PermissionDenied as error:
            return georeport.errors(fmt, 403, [str(error) or "Not allowed."])
        except Http404 as error:
            return georeport.errors(fmt, 404, [str(error) or "Not found."])
        except RequestDataTooBig:
            return georeport.errors(fmt, 413, ["The request body is too large."])

    return wrapped


def root(request: HttpRequest) -> HttpResponse:
    return redirect("feedback:open311-discovery", fmt="json")


@require_safe
@open311
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return georeport.respond(
        georeport.discovery(georeport.base_url(request)), fmt, "discovery"
    )


@require_safe
@open311
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    listed = [georeport.service(s) for s in services_open()]
    return georeport.respond(listed, fmt, "services")


@require_safe
@open311
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    service = services_open().filter(code=code).first()
    if service is None:
        raise Http404(f"No service {code[:20]!r}.")
    return georeport.respond(
        georeport.service_definition(service), fmt, "service_definition"
    )


@csrf_exempt  # client apps post with an api_key; sessions are checked below
@require_http_methods(["GET", "HEAD", "POST"])
@open311
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    extensions = request.GET.get("extensions") == "true"
    found = feedback_requests(request.GET)
    return georeport.respond(
        [georeport.service_request(f, extensions=extensions) for f in found],
        fmt,
        "service_requests",
    )


@require_safe
@open311
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    found = feedback_get(request_id)
    if found is None:
        raise Http404(f"No service request {request_id[:40]!r}.")
    extensions = request.GET.get("extensions") == "true"
    return georeport.respond(
        [georeport.service_request(found, extensions=extensions)],
        fmt,
        "service_requests",
    )


def _params(request: HttpRequest) -> QueryDict:
    size = int(request.headers.get("Content-Length") or 0)
    if size > MAX_BODY_BYTES:
        raise RefusedError(
            413, f"The request body is {size} bytes; at most {MAX_BODY_BYTES}."
        )
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except ValueError:
            raise ValidationError("The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ValidationError("The body must be a JSON object.")
        params = QueryDict(mutable=True)
        for key, value in body.items():
            for member in value if isinstance(value, list) else [value]:
                params.appendlist(key, "" if member is None else str(member))
        return params
    return request.POST


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _csrf_refuses(request: HttpRequest) -> bool:
    """Django's own CSRF check, for a session post to this exempt view."""
    check = CsrfViewMiddleware(_no_view)
    return check.process_view(request, _no_view, (), {}) is not None


def _client(
    request: HttpRequest, params: QueryDict
) -> tuple[ApiKey | None, ScopeThrottle]:
    """Who posts: a client application by its key, or a signed-in
    resident whose session passes the CSRF check."""
    raw = params.get("api_key") or request.GET.get("api_key") or ""
    if raw:
        key = api_key_get(raw)
        if key is None:
            raise PermissionDenied("The api_key is not valid.")
        return key, ClientKeyThrottle(ident=f"open311-{key.pk}", rate=key.rate)
    if not can_give_feedback(request.user):
        raise PermissionDenied("Give an api_key, or sign in, to post feedback.")
    if _csrf_refuses(request):
        raise PermissionDenied("CSRF check failed; send the form's csrf token.")
    return None, FeedbackThrottle()


def _location(params: QueryDict) -> Point | None:
    if not (params.get("lat") or params.get("long")):
        return None
    lat, lon = parse_float(params, "lat"), parse_float(params, "long")
    check_lon_lat(lon, lat)
    return Point(lon, lat, srid=srid.GEOJSON)


def _facility_id(params: QueryDict) -> int | None:
    raw = params.get("service_object_id")
    if not raw:
        return None
    kind = params.get("service_object_type") or "facility"
    if kind != "facility" or not raw.isdigit():
        raise ValidationError(
            {
                "service_object_id": "Must be a Piiri facility id "
                "(service_object_type=facility)."
            }
        )
    return int(raw)


def _attributes(params: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in params:
        if key.startswith("attribute[") and key.endswith("]"):
            values = params.getlist(key)
            answers[key[10:-1]] = values if len(values) > 1 else values[0]
    return answers


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    params = _params(request)
    key, throttle = _client(request, params)
    if not throttle.allow_request(request, None):
        wait = max(1, round(throttle.wait() or 1))
        raise RefusedError(
            429, f"Too many requests; try again in {wait} seconds.", retry_after=wait
        )
    feedback = feedback_create(
        service_code=params.get("service_code", ""),
        description=params.get("description", ""),
        title=params.get("title", ""),
        location=_location(params),
        facility_id=_facility_id(params),
        address=params.get("address_string", ""),
        media_url=params.get("media_url", ""),
        attributes=_attributes(params),
        contact=Contact(
            email=params.get("email", "").strip(),
            first_name=params.get("first_name", "").strip(),
            last_name=params.get("last_name", "").strip(),
            phone=params.get("phone", "").strip(),
        ),
        user=request.user,
        api_key=key,
    )
    return georeport.respond(
        georeport.created(feedback), fmt, "service_requests", status=201
    )
