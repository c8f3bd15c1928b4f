"""The pluggable step that verifies who a voter is and where they live.

The ``VOTER_VERIFIER`` setting names it: a callable that takes the claims
of a ballot and returns a ``VoterIdentity``, or raises ``ValidationError``
when they cannot be verified. The claims are either what a request sent
(a plain dict) or ``SignedInClaims``: what the identity service vouched for
when the resident signed in through OpenID Connect (districts.identity),
read from the session, which a request body cannot pass for.

``signed_in_identity`` is the default outside development: it accepts only
signed-in claims of strong identification, and takes the voter's stable
subject, birth date and home municipality from them, never from anything
the voter typed.

``declared_identity`` trusts the claims as given. It is meant for paper
ballots (``PAPER_VOTER_VERIFIER``, its default), where staff check an
identity document and the population register before entering the ballot.
``development_identity``, the default in development, takes signed-in
claims as ``signed_in_identity`` does and trusts any other claims as
``declared_identity`` does, so the API can be tried with made-up voters.
Outside development the online channel refuses to start with either of
the two that trust claims (budgeting.checks): anyone could cast ballots
under made-up names.

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
from django.http import HttpRequest
from django.utils.module_loading import import_string

from budgeting.rules.eligibility import VoterIdentity
from districts.identity import identity_of

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


class SignedInClaims(dict[str, Any]):
    """The identity the resident proved at sign-in (districts.identity's
    ``Identity``), copied from the session. Only server code makes one: a
    parsed request body is a plain dict."""


def signed_in_claims(request: HttpRequest) -> SignedInClaims | None:
    identity = identity_of(request)
    return None if identity is None else SignedInClaims(identity)


def signed_in_identity(claims: Mapping[str, Any]) -> VoterIdentity:
    if not isinstance(claims, SignedInClaims):
        raise ValidationError(
            "Sign in with strong identification to vote online; the claims "
            "sent with a ballot are not trusted.",
            code="unverified",
        )
    if claims.get("level_of_assurance") not in settings.OIDC_STRONG_LOA_VALUES:
        raise ValidationError(
            "Voting needs strong identification (bank codes, mobile "
            "certificate or ID card); this sign-in was not strong.",
            code="unverified",
        )
    subject = plain_text(claims.get("subject") or "")
    if not subject:
        raise ValidationError(
            "The identity service gave no subject.", code="unverified"
        )
    try:
        birth_date = dt.date.fromisoformat(str(claims.get("birth_date") or ""))
    except ValueError:
        raise ValidationError(
            "The identity service gave no birth date, so age cannot be checked.",
            code="unverified",
        ) from None
    return VoterIdentity(
        # The subject is unique within its issuer (OpenID Connect Core 2).
        identifier=f"{claims.get('issuer') or ''} {subject}",
        birth_date=birth_date,
        municipality=plain_text(claims.get("municipality") or ""),
        home_major_district=plain_text(claims.get("home_major_district") or ""),
    )


def development_identity(claims: Mapping[str, Any]) -> VoterIdentity:
    if isinstance(claims, SignedInClaims):
        return signed_in_identity(claims)
    return declared_identity(claims)


# The verifiers that believe what a request says; never for online ballots
# outside development (budgeting.checks).
TRUSTING = (declared_identity, development_identity)


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
