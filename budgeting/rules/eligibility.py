"""Who may vote in a round."""

import datetime as dt
from dataclasses import dataclass

from budgeting.rules.problem import Problem

# Statistics Finland's municipality code for Helsinki.
HELSINKI = "091"


@dataclass(frozen=True)
class VoterIdentity:
    """What a verification step vouches for: nothing more than the rules need.

    ``identifier`` is whatever the identification service proves (a national
    identity number, an eID subject); it is digested before it is stored and
    never kept in clear.
    """

    identifier: str
    birth_date: dt.date
    municipality: str
    # The official code of the major district of the voter's home address;
    # empty when the voter lives outside Helsinki.
    home_major_district: str = ""


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on ``day``.

    Someone born on 29 February comes of age on 1 March in common years:
    (2, 28) sorts before (2, 29).
    """
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def ineligibility(
    identity: VoterIdentity, *, last_voting_day: dt.date, min_age: int
) -> Problem | None:
    """Why this person may not vote, or None if they may.

    Age counts on the last day of voting, so a voter who turns ``min_age``
    on that day may vote for the whole voting period.
    """
    if identity.municipality != HELSINKI:
        return Problem(
            "not_resident",
            "Only residents of Helsinki may vote: the verified home "
            f"municipality is {identity.municipality or 'unknown'}.",
        )
    if not identity.home_major_district:
        return Problem(
            "not_resident",
            "The verified home address is in no major district of Helsinki.",
        )
    age = age_on(identity.birth_date, last_voting_day)
    if age < min_age:
        return Problem(
            "too_young",
            f"Too young to vote: voters must be at least {min_age} on the last "
            f"voting day ({last_voting_day.isoformat()}).",
        )
    return None
