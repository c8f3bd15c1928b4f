"""The pluggable step that verifies who a voter is and where they live.

Strong electronic identification (Suomi.fi) is outside this project. An
installation plugs its own step in with the ``VOTER_VERIFIER`` setting: a
callable that takes the claims sent with a ballot (or the attributes its
identification service put in them) and returns a ``VoterIdentity``, or
raises ``ValidationError`` when they cannot be verified.

``declared_identity`` trusts the claims as given. It is meant for paper
ballots (``PAPER_VOTER_VERIFIER``, its default), where staff check an
identity document and the population register before entering the ballot,
and for development. Outside development the online channel refuses to
start with it (budgeting.checks): the online ballot endpoint is anonymous,
so trusting its claims would let anyone cast ballots under made-up names.

Whatever the verifier, the identifier is normalised (``voter_identifier``)
before it is digested, so a full-width or zero-width variant of a personal
identity code is the same voter, and a mistyped code is refused.
"""

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from budgeting.rules.eligibility import VoterIdentity

Verifier = Callable[[Mapping[str, Any]], VoterIdentity]

# Finnish personal identity code (henkilötunnus): DDMMYY, century sign,
# individual number NNN, check character. Century signs from 2023 on
# (Population Information Act 2023): + 1800s; - Y X W V U 1900s;
# A B C D E F 2000s.
HETU = re.compile(r"(\d{6})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])")
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {
    "+": 1800,
    **dict.fromkeys("-YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}


def plain_text(value: Any) -> str:
    """NFKC, without format characters (zero-width spaces, joiners, bidi
    marks) or surrounding space: the text a person would read."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip()


def check_character(birth: str, individual: str) -> str:
    """The henkilötunnus check character of DDMMYY and NNN."""
    return HETU_CHECK[int(birth + individual) % 31]


def personal_identity_code(value: Any) -> str:
    """A checked henkilötunnus in its canonical form (upper case), or a
    ``ValidationError`` saying what is wrong with it."""
    code = plain_text(value).upper()
    match = HETU.fullmatch(code)
    if match is None:
        raise ValidationError(
            "The identifier is not a Finnish personal identity code "
            "(DDMMYYCNNNX, e.g. 010190-123M).",
            code="unverified",
        )
    birth, century, individual, check = match.groups()
    if check_character(birth, individual) != check:
        raise ValidationError(
            "The personal identity code's check character does not match; "
            "it has been mistyped.",
            code="unverified",
        )
    try:
        hetu_birth_date(code)
    except ValueError:
        raise ValidationError(
            "The personal identity code does not contain a real date.",
            code="unverified",
        ) from None
    return code


def hetu_birth_date(code: str) -> dt.date:
    year = CENTURIES[code[6]] + int(code[4:6])
    return dt.date(year, int(code[2:4]), int(code[0:2]))


def voter_identifier(value: Any) -> str:
    """The identifier digested for one-ballot-per-voter: a personal
    identity code is checked and canonical; another identifier (an eID
    subject) is the plain text of what the verifier proved."""
    text = plain_text(value)
    if re.fullmatch(r"\d{6}.\d{3}.", text.upper()):
        return personal_identity_code(text)
    if not text:
        raise ValidationError("The voter's identifier is empty.", code="unverified")
    return text


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
    identifier = personal_identity_code(claims["identifier"])
    if hetu_birth_date(identifier) != birth_date:
        raise ValidationError(
            "The birth date does not match the personal identity code.",
            code="unverified",
        )
    return VoterIdentity(
        identifier=identifier,
        birth_date=birth_date,
        municipality=str(claims["municipality"]).strip(),
        home_major_district=str(claims.get("home_major_district") or "").strip(),
    )


def verifier_for(channel: str) -> Verifier:
    """The configured verifier of a ballot channel ("online" or "paper")."""
    path = (
        settings.PAPER_VOTER_VERIFIER if channel == "paper" else settings.VOTER_VERIFIER
    )
    return import_string(path)


def verify(claims: Mapping[str, Any], *, channel: str = "online") -> VoterIdentity:
    identity = verifier_for(channel)(claims)
    return dataclasses.replace(
        identity, identifier=voter_identifier(identity.identifier)
    )
