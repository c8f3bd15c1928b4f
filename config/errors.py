"""One mapping from validation errors to HTTP 400, for DRF and plain views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.response import Response
from rest_framework.views import exception_handler


def validation_messages(error: ValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"detail": " ".join(error.messages)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        return Response(validation_messages(exc), status=400)
    return exception_handler(exc, context)


def bad_input_is_400(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Answer a ValidationError raised by a plain Django view with a JSON 400."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            return JsonResponse(validation_messages(error), status=400)

    return wrapped
