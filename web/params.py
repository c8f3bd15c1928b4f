"""Whole numbers from request text, strictly.

``int()`` accepts what no client means (``" 7 "``, ``"٣"``, ``"1_000"``)
and ``str.isdigit()`` accepts ``"²"``, which ``int()`` then refuses; a
number past PostgreSQL's ``bigint`` fails in the database. Here a whole
number is ASCII digits, optionally signed, within the given range.
"""

import re

from django.core.exceptions import ValidationError

BIGINT_MAX = 2**63 - 1
DIGITS = re.compile(r"-?[0-9]{1,19}")


def whole_number(
    raw: object, *, name: str, low: int = 0, high: int = BIGINT_MAX
) -> int:
    text = str(raw)
    if not DIGITS.fullmatch(text):
        raise ValidationError(
            f"Parameter '{name}' must be a whole number, got {text[:20]!r}.",
            code="invalid",
        )
    value = int(text)
    if not low <= value <= high:
        raise ValidationError(
            f"Parameter '{name}' is {value}; it must be at least {low} and at "
            f"most {high}.",
            code="out_of_range",
        )
    return value


def is_whole_number(raw: object) -> bool:
    text = str(raw)
    return bool(DIGITS.fullmatch(text)) and 0 <= int(text) <= BIGINT_MAX
