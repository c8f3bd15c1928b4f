"""CQL2-text filters (OGC API - Features Part 3) as Django ``Q`` objects.

The grammar is the ``cql2`` library's (cql2-rs); this module screens the
text before it is parsed and maps the parsed tree onto typed lookups.

Understood: ``S_INTERSECTS(geometry, <g>)`` and ``S_WITHIN(geometry, <g>)``
with ``<g>`` a WKT geometry, a GeoJSON geometry object or
``BBOX(west, south, east, north)``, in WGS84 lon/lat; ``<property> <op>
<literal>`` with ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``, ``LIKE``
(text), ``BETWEEN``, ``IN (...)`` and ``IS [NOT] NULL``; ``AND``, ``OR``,
``NOT`` and parentheses. A literal must suit the queryable's type: a
whole number for an integer, ``DATE('...')`` or a date string for a date.
Anything else is refused with a ``ValidationError`` naming what (and,
where the text says it, at which character), never guessed.

NOT is SQL's: a row whose property is NULL matches neither ``x = 1`` nor
``NOT x = 1``, as CQL2's three-valued logic says.
"""

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any, NoReturn

import cql2
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.lookups import IntersectsLookup, WithinLookup
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q, Value, lookups
from django.utils.dateparse import parse_date, parse_datetime

from geo import srid
from geo.params import (
    MAX_POLYGON_VERTICES,
    GeometryTooLargeError,
    parse_bbox,
    parse_geometry,
)

SPATIAL_LOOKUPS = {"s_intersects": IntersectsLookup, "s_within": WithinLookup}
SPATIAL_NAMES = ("geometry", "geom")
WKT_TYPES = frozenset(
    {
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
    }
)
# Words that may stand before "(" besides the WKT types.
CALLABLE = frozenset({"S_INTERSECTS", "S_WITHIN", "BBOX", "DATE", "TIMESTAMP"})
KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "LIKE", "BETWEEN", "IS", "NULL"})
SUPPORTED = (
    "Supported: S_INTERSECTS, S_WITHIN, =, <>, <, <=, >, >=, LIKE, BETWEEN, "
    "IN, IS NULL, AND, OR, NOT, parentheses."
)
# Longer than any geometry a URL can carry in practice; refused unread.
MAX_LENGTH = 200_000
# The parser recurses once per nesting level and per operator in a chain,
# in native code: a deep enough filter would overflow its stack and take
# the worker down instead of raising. Both are bounded before parsing.
MAX_DEPTH = 20
MAX_TERMS = 500

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'(?:[^']|'')*'?)
      | (?P<quoted>"[^"]*"?)
      | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*)
      | (?P<open>\()
      | (?P<close>\))
      | (?P<brace>\{)
      | (?P<punct><>|<=|>=|[=<>,+\-*/%^\[\]])
    """,
    re.VERBOSE,
)
_CALL = re.compile(r"\s*\(")
_WKT_OPEN = re.compile(r"\s*(?:ZM|Z|M)?\s*\(", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLACEHOLDER = "geojson_{}_"


def _coordinate_part(text: str, kind: str | None, token: str, end: int) -> bool:
    """Is ``token`` inside a WKT literal one of its coordinates' parts?
    Those are not counted as terms, everything else is: the parser reads a
    malformed literal as a function call with expressions inside."""
    if kind in ("number", "open", "close") or token == ",":
        return True
    if token == "-":
        return text[end : end + 1].isdigit()
    return kind == "word" and token.upper() in (*WKT_TYPES, "Z", "M", "ZM")


def _fail(text: str, pos: int, message: str) -> NoReturn:
    near = text[pos : pos + 30]
    raise ValidationError(
        f"Invalid CQL2 filter at character {pos + 1} ({near!r}): {message}. "
        f"{SUPPORTED}",
        code="invalid",
    )


class _Screened:
    """The text the parser gets: GeoJSON objects replaced by same-length
    placeholder names (so positions still match), checked for size,
    nesting and characters the parser must never see."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.geometries: dict[str, GEOSGeometry] = {}
        self.open_at: list[int] = []  # positions of the unclosed "("
        pieces: list[str] = []
        terms = 0
        geometry_depth: int | None = None  # nesting depth of a WKT literal
        wkt_next = False
        coordinates = 0
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None:
                _fail(text, pos, "unexpected character")
            kind, token = match.lastgroup, match.group()
            end = match.end()
            if kind == "brace":
                end, token = self._geojson(pos)
            elif kind == "string" and (len(token) == 1 or not token.endswith("'")):
                _fail(text, pos, "the string is not closed with '")
            elif kind == "open":
                self.open_at.append(pos)
                if len(self.open_at) > MAX_DEPTH:
                    _fail(text, pos, f"nested deeper than {MAX_DEPTH} levels")
                if wkt_next:
                    geometry_depth, wkt_next = len(self.open_at), False
            elif kind == "close":
                if geometry_depth == len(self.open_at):
                    geometry_depth = None
                if self.open_at:
                    self.open_at.pop()
            elif kind == "word":
                self._word(pos, token, end, inside=geometry_depth is not None)
                name = token.upper()
                if (
                    geometry_depth is None
                    and name in WKT_TYPES
                    and _WKT_OPEN.match(text, end)
                ):
                    wkt_next = True
            elif kind == "number" and geometry_depth is not None:
                coordinates += 1
                # Counted before parsing: a million-vertex polygon is
                # refused unread.
                if coordinates // 2 > MAX_POLYGON_VERTICES:
                    raise GeometryTooLargeError(
                        f"The filter geometry has more than {coordinates // 2} "
                        f"vertices; at most {MAX_POLYGON_VERTICES} are accepted.",
                        code="too_large",
                    )
            if kind != "space" and not (
                geometry_depth is not None and _coordinate_part(text, kind, token, end)
            ):
                terms += 1
                if terms > MAX_TERMS:
                    _fail(text, pos, f"the filter has more than {MAX_TERMS} terms")
            pieces.append(token)
            pos = end
        self.text = "".join(pieces)

    def _word(self, pos: int, word: str, end: int, *, inside: bool) -> None:
        name = word.upper()
        if name == "EMPTY":
            _fail(self.original, pos, "empty geometries are not accepted")
        if inside or not _CALL.match(self.original, end):
            return
        if name in WKT_TYPES or name in CALLABLE or name in KEYWORDS:
            return
        if name.startswith(("S_", "T_", "A_")):
            _fail(self.original, pos, f"the function {word} is not supported")
        _fail(self.original, pos, f"{word!r} is not a geometry type")

    def _geojson(self, start: int) -> tuple[int, str]:
        try:
            value, end = json.JSONDecoder().raw_decode(self.original, start)
        except (ValueError, RecursionError):
            _fail(self.original, start, "the GeoJSON geometry is not valid JSON")
        geometry = parse_geometry(value, name="filter geometry")
        name = _PLACEHOLDER.format(len(self.geometries)).ljust(end - start, "_")
        if len(name) != end - start:  # shorter than any GeoJSON geometry
            _fail(self.original, start, "the GeoJSON geometry is too short")
        self.geometries[name] = geometry
        return end, name

    def enclosing_word(self, pos: int) -> str:
        """The word before the innermost "(" still open at ``pos``."""
        depth = 0
        for index in range(pos - 1, -1, -1):
            char = self.text[index]
            depth += (char == ")") - (char == "(")
            if depth < 0:
                found = re.search(r"([A-Za-z_]\w*)\s*$", self.text[:index])
                return found.group(1).upper() if found else ""
        return ""


def parse_cql2_text(text: str) -> Any:
    """``text`` as a CQL2-JSON tree (dicts, lists and literals)."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[Any, _Screened]:
    if len(text) > MAX_LENGTH:
        raise GeometryTooLargeError(
            f"The filter is {len(text)} characters long; at most {MAX_LENGTH} "
            f"are accepted (geometries up to {MAX_POLYGON_VERTICES} vertices).",
            code="too_large",
        )
    if control := _CONTROL.search(text):
        _fail(text, control.start(), "control characters are not accepted")
    screened = _Screened(text)
    try:
        return cql2.parse_text(screened.text).to_json(), screened
    except cql2.ParseError as error:
        _explain(screened, str(error))
    except Exception as error:  # the library's own checks raise bare ones
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValidationError(
            f"Invalid CQL2 filter: {first[:200]}. {SUPPORTED}", code="invalid"
        ) from None


def _explain(screened: _Screened, message: str) -> NoReturn:
    """A parse error in words, at the character where it went wrong."""
    text = screened.text
    where = re.search(r"--> (\d+):(\d+)", message)
    if where is None:
        raise ValidationError(
            f"Invalid CQL2 filter: {message.strip()[:200]}. {SUPPORTED}",
            code="invalid",
        )
    line, column = int(where.group(1)), int(where.group(2))
    pos = sum(len(row) for row in text.splitlines(keepends=True)[: line - 1])
    pos += column - 1
    expected = re.search(r"= expected (.*)", message)
    wanted = expected.group(1) if expected else ""
    if not text[pos:].strip():
        why = "the filter ends too early"
        if screened.open_at:
            why += "; unbalanced '('"
    elif "EOI" in wanted:
        why = "expected AND, OR or the end of the filter"
    elif screened.enclosing_word(pos) in WKT_TYPES:
        why = "the geometry is not valid WKT"
    elif "Eq" in wanted:
        why = "expected a comparison operator"
    else:
        why = "expected a property, a value or a predicate"
    _fail(screened.original, min(pos, len(text)), why)


class _Kind:
    TEXT = "text"
    INTEGER = "a whole number"
    NUMBER = "a number"
    BOOLEAN = "TRUE or FALSE"
    DATE = "a date"
    DATETIME = "a timestamp"


_KINDS = {
    "CharField": _Kind.TEXT,
    "TextField": _Kind.TEXT,
    "SlugField": _Kind.TEXT,
    "URLField": _Kind.TEXT,
    "EmailField": _Kind.TEXT,
    "DecimalField": _Kind.NUMBER,
    "FloatField": _Kind.NUMBER,
    "BooleanField": _Kind.BOOLEAN,
    "DateField": _Kind.DATE,
    "DateTimeField": _Kind.DATETIME,
}
ORDERED: dict[str, type[lookups.Lookup]] = {
    "<": lookups.LessThan,
    "<=": lookups.LessThanOrEqual,
    ">": lookups.GreaterThan,
    ">=": lookups.GreaterThanOrEqual,
}


class Like(lookups.Lookup):
    """CQL2 LIKE: ``%`` any text, ``_`` one character, ``\\`` escapes;
    PostgreSQL's LIKE means the same."""

    lookup_name = "cql2_like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


class _Adapter:
    def __init__(
        self,
        screened: _Screened,
        *,
        geometry: str,
        queryables: Mapping[str, models.Field],
        collection: str,
    ) -> None:
        self.screened = screened
        self.geometry = geometry
        self.queryables = queryables
        self.collection = collection

    def fail(self, message: str, word: str = "") -> NoReturn:
        text = self.screened.original
        pos = text.upper().find(word.upper()) if word else -1
        if pos >= 0:
            _fail(text, pos, message)
        raise ValidationError(f"Invalid CQL2 filter: {message}.", code="invalid")

    def q(self, node: Any) -> Q:
        if not isinstance(node, dict) or "op" not in node:
            self.fail("expected a predicate, not a lone value or property")
        op, args = node["op"], node["args"]
        if op in ("and", "or"):
            parts = [self.q(arg) for arg in args]
            return reduce(Q.__and__ if op == "and" else Q.__or__, parts)
        if op == "not":
            return ~self.q(args[0])
        if op in SPATIAL_LOOKUPS:
            return self.spatial(op, args)
        if not args or not isinstance(args[0], dict) or "property" not in args[0]:
            self.fail(f"{op!r} must have a queryable on its left", op)
        name, kind = self.queryable(args[0]["property"])
        column = F(name)
        if op in ("=", "<>"):
            equal: lookups.Lookup = lookups.Exact(
                column, self.literal(name, kind, args[1])
            )
            return Q(equal) if op == "=" else ~Q(equal)
        if op == "isNull":
            return Q(lookups.IsNull(column, True))
        if op == "in":
            if not isinstance(args[1], list):
                self.fail("IN takes a list of values in parentheses", "IN")
            values = [self.literal(name, kind, value) for value in args[1]]
            return Q(lookups.In(column, values))
        if kind == _Kind.BOOLEAN:
            self.fail(f"{name!r} is TRUE or FALSE; only =, <> and IN apply", op)
        if op in ORDERED:
            return Q(ORDERED[op](column, self.literal(name, kind, args[1])))
        if op == "between":
            low, high = (self.literal(name, kind, value) for value in args[1:3])
            return Q(lookups.Range(column, (low, high)))
        if op == "like":
            if kind != _Kind.TEXT or not isinstance(args[1], str):
                self.fail(f"LIKE compares text with a 'pattern'; {name!r} is {kind}")
            return Q(Like(column, args[1]))
        self.fail(f"{op!r} is not supported", op)

    def spatial(self, op: str, args: list[Any]) -> Q:
        target = args[0].get("property") if isinstance(args[0], dict) else None
        if target is None or target in self.screened.geometries:
            self.fail(f"the first argument of {op.upper()} must be 'geometry'", op)
        if target not in (*SPATIAL_NAMES, self.geometry):
            self.fail(f"Unknown spatial property {target[:40]!r}; use 'geometry'")
        shape = args[1]
        geometry: GEOSGeometry
        if isinstance(shape, dict) and "bbox" in shape:
            raw = ",".join(str(value) for value in shape["bbox"])
            geometry = parse_bbox(raw, name="filter BBOX")
        elif isinstance(shape, dict) and "property" in shape:
            if shape["property"] not in self.screened.geometries:
                self.fail(f"{op.upper()} compares 'geometry' with a geometry", op)
            geometry = self.screened.geometries[shape["property"]]
        elif isinstance(shape, dict) and "type" in shape:
            geometry = parse_geometry(shape, name="filter geometry")
        else:
            self.fail(f"{op.upper()} needs a geometry (WKT, GeoJSON or BBOX)", op)
        # Typed, so that GeoDjango transforms the parameter to the column's
        # SRID in SQL and the column keeps its index.
        value = Value(geometry, output_field=GeometryField(srid=srid.GEOJSON))
        return Q(SPATIAL_LOOKUPS[op](F(self.geometry), value))

    def queryable(self, name: Any) -> tuple[str, str]:
        if name not in self.queryables:
            known = ", ".join(self.queryables)
            of = f" of {self.collection}" if self.collection else ""
            self.fail(f"{str(name)[:40]!r} is not a queryable{of}; queryables: {known}")
        field = self.queryables[name]
        if field.is_relation and field.target_field is not None:  # type: ignore[attr-defined]
            field = field.target_field  # type: ignore[attr-defined]
        internal = field.get_internal_type()
        if internal in _KINDS:
            return name, _KINDS[internal]
        if internal.endswith(("IntegerField", "AutoField")):
            return name, _Kind.INTEGER
        self.fail(f"{name!r} cannot be compared; use S_INTERSECTS or S_WITHIN")

    def literal(self, name: str, kind: str, value: Any) -> Any:
        found = self._literal(name, kind, value)
        if found is None:
            shown = json.dumps(value)[:40] if value is not None else "NULL"
            hint = " (use IS NULL)" if value is None else ""
            self.fail(f"{name!r} is {kind}; {shown} is not{hint}")
        return found

    def _literal(self, name: str, kind: str, value: Any) -> Any:
        if kind == _Kind.TEXT:
            return value if isinstance(value, str) else None
        if kind == _Kind.BOOLEAN:
            return value if isinstance(value, bool) else None
        if kind in (_Kind.DATE, _Kind.DATETIME):
            return self._moment(kind, value)
        if not isinstance(value, float | int) or isinstance(value, bool):
            return None
        if not math.isfinite(value):
            self.fail(f"{name!r} is {kind}; {value} is not finite")
        if kind == _Kind.NUMBER:
            return Decimal(repr(value))
        if not float(value).is_integer():
            return None
        field = self.queryables[name]
        internal = getattr(field, "target_field", field).get_internal_type()
        low, high = connection.ops.integer_field_range(internal)
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(f"{name!r} is {kind} between {low} and {high}")
        return int(value)

    @staticmethod
    def _moment(kind: str, value: Any) -> date | datetime | None:
        if isinstance(value, dict):
            value = value.get("date") or value.get("timestamp")
        if not isinstance(value, str):
            return None
        try:
            if kind == _Kind.DATE:
                return parse_date(value)
            moment = parse_datetime(value) or (
                datetime.combine(day, datetime.min.time())
                if (day := parse_date(value))
                else None
            )
        except ValueError:
            return None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment


def cql2_filter(
    text: str,
    *,
    geometry: str,
    queryables: Mapping[str, models.Field],
    collection: str = "",
) -> Q:
    """Rows matching the CQL2-text ``text``: spatial functions apply to the
    field ``geometry``; comparisons to ``queryables`` (name -> the field
    that types it). ``collection`` names the rows in messages."""
    tree, screened = _parse(text)
    adapter = _Adapter(
        screened, geometry=geometry, queryables=queryables, collection=collection
    )
    return adapter.q(tree)
