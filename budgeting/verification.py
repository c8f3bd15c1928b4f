"""The pluggable step that verifies who a voter is and where they live.

Strong electronic identification (Suomi.fi) is outside this project. An
installation plugs its own step in with the ``VOTER_VERIFIER`` setting: a
callable that takes the claims sent with a ballot (or the attributes its
identification service put in them) and returns a ``VoterIdentity``, or
raises ``ValidationError`` when they cannot be verified.

The default, ``declared_identity``, trusts the claims as given. It is meant
for paper ballots, where staff check an identity document and the
population register before entering the ballot, and for development.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from budgeting.rules.eligibility import VoterIdentity

Verifier = Callable[[Mapping[str, Any]], VoterIdentity]


def declared_identity(claims: Mapping[str, Any]) -> VoterIdentity:
    missing = [
        key
        for key in ("identifier", "birth_date", "municipality")
        if not str(claims.get(key) or "").strip()
    ]
    if missing:
        raise ValidationError(
            f"The voter's identity is incomplete: missing {', '.join(missing)}.",
            code="unverified",
        )
    birth_date = claims["birth_date"]
    if not isinstance(birth_date, dt.date):
        try:
            birth_date = dt.date.fromisoformat(str(birth_date))
        except ValueError:
            raise ValidationError(
                f"Birth date {str(birth_date)[:20]!r} is not a date (YYYY-MM-DD).",
                code="unverified",
            ) from None
    return VoterIdentity(
        identifier=str(claims["identifier"]).strip(),
        birth_date=birth_date,
        municipality=str(claims["municipality"]).strip(),
        home_major_district=str(claims.get("home_major_district") or "").strip(),
    )


def verify(claims: Mapping[str, Any]) -> VoterIdentity:
    verifier: Verifier = import_string(settings.VOTER_VERIFIER)
    return verifier(claims)
