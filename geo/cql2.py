"""A small CQL2-text parser: the spatial filters a map client sends.

Understood: ``S_INTERSECTS(<property>, <geometry>)`` and
``S_WITHIN(<property>, <geometry>)`` with a WKT geometry, a GeoJSON geometry
object or ``BBOX(west, south, east, north)``, in WGS84 lon/lat;
``<property> = <literal>``; ``AND`` and parentheses. Anything else is
refused with a ``ValidationError`` naming what and where, never guessed.
"""

import re
from dataclasses import dataclass

import shapely
import shapely.errors
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from geo.params import (
    MAX_POLYGON_VERTICES,
    GeometryTooLargeError,
    checked_geometry,
    parse_bbox,
    parse_geometry,
)

SPATIAL_OPERATORS = {"S_INTERSECTS": "intersects", "S_WITHIN": "within"}
WKT_TYPES = (
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
)
# Longer than any geometry a URL can carry in practice; refused unread.
MAX_LENGTH = 200_000

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*|"[^"]+")
      | (?P<punct>[(),={])
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Spatial:
    operator: str  # "intersects" or "within": the GeoDjango lookup
    property: str
    geometry: GEOSGeometry


@dataclass(frozen=True)
class Equals:
    property: str
    value: str | float | bool


Predicate = Spatial | Equals


def parse_cql2_text(text: str) -> list[Predicate]:
    """The predicates of ``text``, all of which must hold (AND)."""
    if len(text) > MAX_LENGTH:
        raise GeometryTooLargeError(
            f"The filter is {len(text)} characters long; at most {MAX_LENGTH} "
            f"are accepted (geometries up to {MAX_POLYGON_VERTICES} vertices).",
            code="too_large",
        )
    parser = _Parser(text)
    predicates = parser.conjunction()
    if parser.peek() is not None:
        parser.fail("expected AND or the end of the filter")
    return predicates


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> None:
        near = self.text[self.pos : self.pos + 30]
        raise ValidationError(
            f"Invalid CQL2 filter at character {self.pos + 1} ({near!r}): "
            f"{message}. Supported: S_INTERSECTS, S_WITHIN, property = value, "
            "AND, parentheses."
        )

    def peek(self) -> tuple[str, str] | None:
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            if self.text[self.pos :].strip():
                self.fail("unexpected character")
            return None
        kind = match.lastgroup
        assert kind is not None
        return kind, match.group(kind)

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            self.fail("the filter ends too early")
        match = _TOKEN.match(self.text, self.pos)
        assert match is not None and token is not None
        self.pos = match.end()
        return token

    def expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            self.fail(f"expected {punct!r}")

    def conjunction(self) -> list[Predicate]:
        predicates = self.term()
        while (token := self.peek()) and token[0] == "word":
            if token[1].upper() != "AND":
                self.fail(f"{token[1]!r} is not supported; only AND joins predicates")
            self.take()
            predicates += self.term()
        return predicates

    def term(self) -> list[Predicate]:
        kind, value = self.take()
        if (kind, value) == ("punct", "("):
            predicates = self.conjunction()
            self.expect(")")
            return predicates
        if kind != "word":
            self.fail("expected a predicate")
        operator = SPATIAL_OPERATORS.get(value.upper())
        if operator:
            self.expect("(")
            name = self.property_name()
            self.expect(",")
            geometry = self.geometry()
            self.expect(")")
            return [Spatial(operator, name, geometry)]
        if value.upper().startswith(("S_", "T_", "A_")) and self.peek() == (
            "punct",
            "(",
        ):
            self.fail(f"the function {value} is not supported")
        name = value.strip('"')
        if self.take() != ("punct", "="):
            self.fail("only '=' comparisons are supported")
        return [Equals(name, self.literal())]

    def property_name(self) -> str:
        kind, value = self.take()
        if kind != "word":
            self.fail("expected a property name")
        return value.strip('"')

    def literal(self) -> str | float | bool:
        kind, value = self.take()
        if kind == "string":
            return value[1:-1].replace("''", "'")
        if kind == "number":
            return float(value)
        if kind == "word" and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        self.fail("expected a 'string', a number, TRUE or FALSE")
        raise AssertionError

    def balanced(self, opening: str, closing: str) -> str:
        """The raw text from the current position to the matching closer."""
        start = self.text.index(opening, self.pos)
        depth = 0
        for index in range(start, len(self.text)):
            char = self.text[index]
            depth += (char == opening) - (char == closing)
            if depth == 0:
                raw = self.text[self.pos : index + 1]
                self.pos = index + 1
                return raw
        self.fail(f"unbalanced {opening!r}")
        raise AssertionError

    def geometry(self) -> GEOSGeometry:
        token = self.peek()
        if token == ("punct", "{"):
            return parse_geometry(self.balanced("{", "}"), name="filter geometry")
        if token is None or token[0] != "word":
            self.fail("expected a geometry (WKT, GeoJSON or BBOX)")
            raise AssertionError
        keyword = token[1].upper()
        if keyword == "BBOX":
            self.take()
            raw = self.balanced("(", ")").strip()[1:-1]
            return parse_bbox(raw.replace(" ", ""), name="filter BBOX")
        if keyword not in WKT_TYPES:
            self.fail(f"{token[1]!r} is not a geometry type")
        raw = self.balanced("(", ")")
        # Count before parsing: a million-vertex polygon is refused unread.
        vertices = len(_NUMBER.findall(raw)) // 2
        if vertices > MAX_POLYGON_VERTICES:
            raise GeometryTooLargeError(
                f"The filter geometry has about {vertices} vertices; at most "
                f"{MAX_POLYGON_VERTICES} are accepted.",
                code="too_large",
            )
        try:
            shape = shapely.from_wkt(raw)
        except (shapely.errors.ShapelyError, ValueError) as error:
            raise ValidationError(
                f"The filter geometry is not valid WKT: {error}"
            ) from None
        return checked_geometry(shape, name="filter geometry")
