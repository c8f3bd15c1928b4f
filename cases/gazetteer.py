"""Finding the places a Finnish or Swedish text names.

The City's decision texts name places in inflected Finnish: "Laajasalon
(49.ko) asemakaavan muutos", "Kulosaaren ala-asteen koulu", "Pitäjänmäen
yritysalue". The gazetteer holds every official land area's Finnish and
Swedish name and every facility's name, each as a pattern that accepts
the name's inflected forms (a stem plus a short case ending, with the
consonant gradation of common endings: -mäki/-mäen, -lahti/-lahden,
-nen/-sten, -nta/-nnan, -kka/-kan), and the "(NN.ko)" neighbourhood
numbers of zoning cases.

Names are matched capitalised, as written in the texts, so common nouns
("kallio", rock; "laakso", valley) do not match the areas Kallio and
Laakso. At one position the longest name wins ("Malminkartanon" is
Malminkartano, not Malmi). The major districts' names are left out: they
are adjectives ("Eteläinen", southern) that texts use as such.
"""

import re
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, Point

# Suffix of the basic form -> pattern for it in inflected forms, tried in
# order; the first that fits the name applies.
_GRADATION = (
    ("nen", "(?:nen|s)"),  # Sörnäinen, Sörnäisten
    ("mäki", "mä(?:ki|e)"),  # Pitäjänmäki, Pitäjänmäen
    ("ahti", "ah(?:ti|de)"),  # Meilahti, Meilahden
    ("nki", "n(?:ki|gi|ge)"),  # Kaartinkaupunki, Kaartinkaupungin
    ("nta", "n(?:ta|na)"),  # Kruunuvuorenranta, Kruunuvuorenrannan
    ("haka", "ha(?:ka|a)"),  # Kruununhaka, Kruununhaan
    ("kka", "k(?:ka|a)"),  # Katajanokka, Katajanokan
    ("kki", "k(?:ki|i|e)"),  # Viikki, Viikin
    ("ppi", "p(?:pi|i|e)"),  # Kamppi, Kampin
    ("tti", "t(?:ti|i|e)"),
    ("us", "u(?:s|ks)"),  # Itäkeskus, Itäkeskuksen
    ("i", "(?:i|e)"),  # Kulosaari, Kulosaaren; Malmi, Malmin
)
_ENDING = r"[a-zåäö:]{0,6}"
_WORD_START = re.compile(r"(?<![\w-])\w")
NEIGHBOURHOOD_NUMBER = re.compile(r"\((\d{1,2})\s*\.\s*ko\)")


def finnish_pattern(name: str, *, any_case_initial: bool = False) -> str:
    """A regex for ``name`` in any of its common inflected forms; in
    multi-word names only the last word inflects ("Vanhan Munkkiniemen" is
    not matched, "Vanha Munkkiniemen" is, as the texts write it)."""
    *head, last = name.split(" ")
    stem = re.escape(last)
    for suffix, inflected in _GRADATION:
        if last.endswith(suffix) and len(last) > len(suffix) + 2:
            stem = re.escape(last[: -len(suffix)]) + inflected
            break
    pattern = "".join(re.escape(word) + r"\s+" for word in head) + stem
    if any_case_initial and name[:1].isalpha():
        # "leikkipuisto Hillerin" as well as "Leikkipuisto Hilleri".
        pattern = f"[{name[0].upper()}{name[0].lower()}]{pattern[1:]}"
    return rf"(?<![\w-]){pattern}{_ENDING}(?!\w)"


def swedish_pattern(name: str) -> str:
    return rf"(?<![\w-]){re.escape(name)}(?:s|en|et)?(?!\w)"


@dataclass(frozen=True)
class Place:
    """A named place and the point a text naming it is mapped at."""

    name: str
    kind: str  # an area level, or "facility"
    code: str  # area code or facility id
    point: Point  # in the storage CRS


@dataclass(frozen=True)
class Mention:
    place: Place
    text: str  # as written in the text


class Gazetteer:
    def __init__(self, places: list[tuple[list[str], Place]]) -> None:
        """``places``: the names (Finnish first, then others) of each
        place. Several places may share a name at different levels; the
        caller merges them into one entry."""
        self._places: dict[str, Place] = {}
        alternatives: list[tuple[str, str]] = []
        for index, (names, place) in enumerate(places):
            group = f"p{index}"
            self._places[group] = place
            for number, name in enumerate(names):
                if len(name) < 3:
                    continue
                pattern = (
                    finnish_pattern(name, any_case_initial=place.kind == "facility")
                    if number == 0
                    else swedish_pattern(name)
                )
                alternatives.append((name, f"(?P<{group}_{number}>{pattern})"))
        # One pattern per two-letter start, tried only where a word starts
        # with those letters: one big alternation tried at every position
        # costs a tenth of a second per title. Longest names first: at one
        # position the longest name wins.
        alternatives.sort(key=lambda item: -len(item[0]))
        by_start: dict[str, list[str]] = {}
        for name, pattern in alternatives:
            by_start.setdefault(name[:2].casefold(), []).append(pattern)
        self._patterns = {
            start: re.compile("|".join(patterns))
            for start, patterns in by_start.items()
        }
        self._numbers: dict[str, Place] = {}

    def add_numbers(self, numbers: dict[str, Place]) -> None:
        """Neighbourhoods by their number, for "(49.ko)"."""
        self._numbers.update(numbers)

    def mentions(self, text: str) -> list[Mention]:
        """Places named in ``text``, each once, in order of first mention."""
        found: list[tuple[int, Mention]] = []
        end = 0
        for word in _WORD_START.finditer(text):
            start = word.start()
            pattern = self._patterns.get(text[start : start + 2].casefold())
            if start < end or pattern is None:
                continue
            match = pattern.match(text, start)
            if match is None:
                continue
            group = match.lastgroup or ""
            place = self._places[group.rsplit("_", 1)[0]]
            found.append((start, Mention(place, match.group())))
            end = match.end()
        for match in NEIGHBOURHOOD_NUMBER.finditer(text):
            numbered = self._numbers.get(match.group(1).zfill(2))
            if numbered is not None:
                found.append((match.start(), Mention(numbered, match.group())))
        seen: set[str] = set()
        result = []
        for _, mention in sorted(found, key=lambda item: item[0]):
            key = mention.place.point.wkt
            if key in seen:
                continue
            seen.add(key)
            result.append(mention)
        return result


def representative_point(boundaries: list[GEOSGeometry]) -> Point:
    """A point inside every one of ``boundaries`` if they overlap (the areas
    that share one name at several levels), else inside the first."""
    common = boundaries[0]
    for boundary in boundaries[1:]:
        overlap = common.intersection(boundary)
        if overlap.empty or overlap.area == 0:
            break
        common = overlap
    point = common.point_on_surface
    assert isinstance(point, Point)
    return point
