"""Atom feeds that one stored value cannot break.

XML 1.0 cannot carry C0 control characters; Django's feed generator raises
on them, which would make every feed that covers the value a 500 for
everyone. Input is refused at the door (web.text); this is the last line
for values stored before that, or by imports.
"""

from typing import Any

from django.utils.feedgenerator import Atom1Feed

from web.text import without_controls


def _clean(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return without_controls(value)


class CleanAtom1Feed(Atom1Feed):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()}
        )
