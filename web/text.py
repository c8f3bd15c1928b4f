"""Text from requests: what PostgreSQL, XML feeds and people can carry.

C0 control characters other than tab, line feed and carriage return have
no place in a title, a search or a code: NUL cannot be stored in a
PostgreSQL text column at all, and the rest make every XML document
(Atom feeds) that includes them unserialisable.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_controls(value: str, *, name: str) -> None:
    if found := CONTROLS.search(value):
        raise ValidationError(
            f"'{name[:40]}' contains the control character "
            f"U+{ord(found.group()):04X}; only tab and new line are allowed.",
            code="control_character",
        )


def without_controls(value: Any) -> Any:
    """``value`` with control characters dropped, if it is text: for
    output that must never fail because of one stored value."""
    return CONTROLS.sub("", value) if isinstance(value, str) else value
