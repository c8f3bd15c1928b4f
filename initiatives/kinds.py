"""Telling an initiative from feedback and from an opinion on a case.

An initiative proposes that the city start something new. A remark on what
the city did or failed to do is feedback; a view on a matter already being
decided belongs to that case. From the text alone this is a suggestion,
never a refusal: the writer decides.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse

from cases.models import Case


def feedback_url() -> str:
    """Where to give feedback instead: Piiri's own feedback form."""
    return reverse("feedback-pages:new")


# Words that speak of something past or broken rather than something new.
# Stems, matched at the start of a word, in Finnish, Swedish and English.
_FEEDBACK_STEMS = {
    "fi": (
        "rikki",
        "rikkinäi",
        "huono",
        "valit",
        "palaut",
        "ei toimi",
        "korjat",
        "korjaa",
        "siivot",
        "roska",
        "likai",
        "epäkohta",
        "tyytymät",
        "miksi ei",
        "aukko tiessä",
        "kuoppa",
    ),
    "sv": (
        "trasig",
        "dålig",
        "klagomål",
        "respons",
        "fungerar inte",
        "laga",
        "skräp",
        "smutsig",
        "missnöj",
    ),
    "en": (
        "broken",
        "complain",
        "feedback",
        "does not work",
        "doesn't work",
        "repair",
        "litter",
        "dirty",
        "pothole",
    ),
}
_DIARY_NUMBER = re.compile(r"\bHEL\s?\d{4}-\d{6}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    looks_like_feedback: bool
    feedback_words: tuple[str, ...]
    case_id: int | None
    case_title: str


def _feedback_words(text: str) -> tuple[str, ...]:
    lowered = text.lower()
    found = []
    for stems in _FEEDBACK_STEMS.values():
        for stem in stems:
            if re.search(r"(?<!\w)" + re.escape(stem), lowered):
                found.append(stem)
    return tuple(found)


# An ongoing case whose whole title the text quotes.
_CASE_SQL = """
SELECT id FROM {table}
WHERE status IN ('pending', 'in_preparation')
  AND length(title_fi) >= 15
  AND position(lower(title_fi) in lower(%(text)s)) > 0
ORDER BY length(title_fi) DESC
LIMIT 1
"""


def _ongoing_case(text: str) -> Case | None:
    """A pending case the text names by diary number or by its full title."""
    match = _DIARY_NUMBER.search(text)
    if match:
        number = "HEL " + match[0].upper().removeprefix("HEL").strip()
        found = (
            Case.objects.filter(diary_number__iexact=number)
            .exclude(status=Case.Status.CLOSED)
            .first()
        )
        if found is not None:
            return found
    with connection.cursor() as cursor:
        cursor.execute(_CASE_SQL.format(table=Case._meta.db_table), {"text": text})
        row = cursor.fetchone()
    return Case.objects.filter(pk=row[0]).first() if row else None


def suggest_kind(*, title: str, text: str) -> Suggestion:
    whole = f"{title}\n{text}"
    words = _feedback_words(whole)
    case = _ongoing_case(whole)
    return Suggestion(
        looks_like_feedback=bool(words),
        feedback_words=words,
        case_id=case.pk if case else None,
        case_title=case.title_fi if case else "",
    )
