"""JSON request bodies, read the same way by DRF views and plain views.

Refused with a ValidationError (400): invalid JSON, nesting deeper than
``MAX_DEPTH`` (a GeoJSON MultiPolygon needs six levels; thousands would
exhaust the parser's and GEOS's recursion), numbers that are not finite
(``NaN``, ``1e999``), integers beyond 64 bits, and control characters in
any string or key (web.text).
"""

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from web.text import refuse_controls

MAX_DEPTH = 32
MAX_INTEGER = 2**63 - 1


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValidationError(f"The number {text[:40]} is too large.")
    return value


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > MAX_INTEGER:
        raise ValidationError(f"The number {text[:40]} is too large.")
    return value


def _constant(text: str) -> Any:
    raise ValidationError(f"{text} is not a JSON number.")


def checked(value: Any) -> Any:
    """``value`` after checking depth and strings, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            refuse_controls(item, name="body")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ValidationError(
                f"The body is nested more than {MAX_DEPTH} levels deep."
            )
        if isinstance(item, dict):
            for key, member in item.items():
                refuse_controls(key, name="body")
                stack.append((member, depth + 1))
        else:
            stack.extend((member, depth + 1) for member in item)
    return value


def load_json(raw: bytes | str) -> Any:
    try:
        value = json.loads(
            raw,
            parse_float=_finite,
            parse_int=_integer,
            parse_constant=_constant,
        )
    except RecursionError:
        raise ValidationError(
            f"The body is nested more than {MAX_DEPTH} levels deep."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The request body is not valid JSON.") from None
    return checked(value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the checks of ``load_json``."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return load_json(stream.read())
        except ValidationError as error:
            raise ParseError(" ".join(error.messages)) from None
