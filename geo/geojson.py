"""GeoJSON rendered in PostGIS, around any ORM queryset.

The queryset's own SQL (filters, ordering, limits) is wrapped, so one
statement returns the finished JSON text: no GEOS objects are built in
Python and nothing is serialised twice.

A queryset Django knows matches nothing (``pk__in=[]``, an integer past the
column's range) has no SQL; it raises ``EmptyResultSet`` when compiled,
and the functions here answer with no features instead.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Func, QuerySet, Value
from psycopg.types.numeric import Int8

from geo import srid
from geo.params import Bounds
from geo.tiles import fetch_bound, sentinel_slots, swapped

PRECISION = 6


def _feature_rows(
    queryset: QuerySet, *, geometry: str, properties: Sequence[str], id_field: str
) -> tuple[str, tuple]:
    rows = queryset.annotate(_geojson_geom=Transform(geometry, srid.GEOJSON)).values(
        id_field, "_geojson_geom", *properties
    )
    return rows.query.sql_with_params()


def _properties_json(id_field: str, properties: Sequence[str]) -> str:
    """The feature's properties (its id first) as one json_build_object.

    Named one by one rather than ``to_jsonb(t) - geometry``: that turned each
    row, geometry included, into jsonb first and took three times as long
    for a page of 1,000 features (bench/results/layers.md).
    """
    names = list(dict.fromkeys([id_field, *properties]))
    # json_build_object takes at most 100 arguments (50 pairs): beyond that,
    # merge several objects.
    chunks = [names[i : i + 50] for i in range(0, len(names), 50)]
    objects = [
        "json_build_object("
        + ", ".join(f"'{name}', t.\"{name}\"" for name in chunk)
        + ")"
        for chunk in chunks
    ]
    if len(objects) == 1:
        return objects[0]
    return "(" + " || ".join(f"{o}::jsonb" for o in objects) + ")::json"


def _features_agg(id_field: str, precision: int, properties: Sequence[str]) -> str:
    # Identifiers come from code, never from requests.
    return f"""coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', t."{id_field}",
            'geometry', ST_AsGeoJSON(t."_geojson_geom", {int(precision)})::json,
            'properties', {_properties_json(id_field, properties)}
        )), '[]'::json)::text"""


def features_json(
    queryset: QuerySet,
    *,
    geometry: str,
    properties: Sequence[str],
    id_field: str = "id",
    precision: int = PRECISION,
) -> str:
    """A JSON array of RFC 7946 features, lon/lat, as text."""
    try:
        sql, params = _feature_rows(
            queryset, geometry=geometry, properties=properties, id_field=id_field
        )
    except EmptyResultSet:
        return "[]"
    wrapped = (
        f"SELECT {_features_agg(id_field, precision, properties)} FROM ({sql}) AS t"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(wrapped, params)
        (text,) = cursor.fetchone()
    return str(text)


class FeaturePage(NamedTuple):
    features: str  # a JSON array, as text
    matched: int | None  # None: not counted
    returned: int


def count_sql(queryset: QuerySet) -> tuple[str, tuple]:
    """The count of ``queryset``'s rows: its filters alone, no ordering and
    no columns, so PostgreSQL drops the joins its annotations add.

    Exact, so about twice a count of index-box hits (``&&``): the spatial
    test runs on every candidate, and a lon/lat box in the storage CRS is
    no rectangle, so box hits over-count its edges (4 % for 5 km boxes of
    100,000 synthetic cases: 9 ms against 4 ms). maps.ogc keeps counts.
    """
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return f"SELECT count(*) FROM ({sql}) AS c", params


def feature_page_sql(
    queryset: QuerySet,
    *,
    geometry: str,
    properties: Sequence[str],
    offset: int,
    limit: int,
    id_field: str = "id",
    precision: int = PRECISION,
    count: bool = True,
) -> tuple[str, tuple]:
    """The statement behind ``feature_page``: the count of every matching
    row (NULL unless ``count``), the count on the page and the page's
    features as JSON text."""
    matched, count_params = count_sql(queryset) if count else ("SELECT NULL", ())
    sql, params = _feature_rows(
        queryset[offset : offset + limit],
        geometry=geometry,
        properties=properties,
        id_field=id_field,
    )
    return _page_sql(matched, sql, id_field, precision, properties), (
        *count_params,
        *params,
    )


def _page_sql(
    matched: str, rows: str, id_field: str, precision: int, properties: Sequence[str]
) -> str:
    return f"""
        SELECT ({matched}), count(*),
               {_features_agg(id_field, precision, properties)}
        FROM ({rows}) AS t
    """


def feature_page(queryset: QuerySet, **options: Any) -> FeaturePage:
    """One page of ``queryset`` as features, with the number of rows the
    whole queryset matches (unless ``count=False``): one statement, one
    round trip."""
    try:
        sql, params = feature_page_sql(queryset, **options)
    except EmptyResultSet:
        return FeaturePage("[]", 0, 0)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        matched, returned, text = cursor.fetchone()
    return FeaturePage(
        str(text), None if matched is None else int(matched), int(returned)
    )


class Envelope(Func):
    """A lon/lat box as a WGS84 polygon built in the database from its four
    numbers: ST_MakeEnvelope's ring is GEOS's ``Polygon.from_bbox`` (what
    geo.params.parse_bbox gives), vertex for vertex."""

    function = "ST_MakeEnvelope"
    template = f"%(function)s(%(expressions)s, {srid.GEOJSON})"
    output_field = GeometryField(srid=srid.GEOJSON)

    def __init__(self, bounds: Sequence[float]) -> None:
        super().__init__(*(Value(float(v)) for v in bounds))


# A box no request has (geo.params keeps to lon/lat): compiled in, then
# swapped per page.
_SENTINEL = Bounds(1_000_000_007.5, 1_000_000_009.5, 1_000_000_021.5, 1_000_000_033.5)


class CompiledPage:
    """``feature_page`` for a queryset that is the same for every request (a
    layer everyone sees alike), in a bbox when ``bbox``: the ORM compiles
    the page and the count of its matches once, a request swaps in its
    bbox, offset and limit, bound by the server (geo.tiles.fetch_bound).
    Saves the per-request query compilation of an items page."""

    def __init__(
        self,
        queryset: QuerySet,
        *,
        geometry: str,
        properties: Sequence[str],
        bbox: bool,
        id_field: str = "id",
        precision: int = PRECISION,
    ) -> None:
        self.model = queryset.model
        if bbox:
            # Compiled as ``__intersects`` with a parsed bbox is: the box
            # transformed to the column's CRS, and the exact test, not
            # only the index's ``&&``.
            queryset = queryset.filter(
                **{f"{geometry}__intersects": Envelope(_SENTINEL)}
            )
        try:
            self.count_sql, count_params = count_sql(queryset)
            rows, params = _feature_rows(
                queryset, geometry=geometry, properties=properties, id_field=id_field
            )
        except EmptyResultSet:
            self.sql: str | None = None
            return
        # The ORM writes a slice's numbers into the SQL; these are bound.
        rows += " LIMIT %s OFFSET %s"
        self.sql = _page_sql("SELECT NULL", rows, id_field, precision, properties)
        self.params, self.slots = list(params), _slots(params)
        self.count_params, self.count_slots = list(count_params), _slots(count_params)
        if bbox and not (len(self.slots) == len(self.count_slots) == 4):
            raise ValueError("The bbox is not bound where the statement uses it.")

    def page(
        self, *, offset: int, limit: int, bbox: Bounds | None = None
    ) -> FeaturePage:
        """The page, uncounted (``count``)."""
        return self.page_beside("NULL", (), offset=offset, limit=limit, bbox=bbox)[1]

    def page_beside(
        self,
        sql: str,
        params: Sequence[Any],
        *,
        offset: int,
        limit: int,
        bbox: Bounds | None = None,
    ) -> tuple[Any, FeaturePage]:
        """The value of the scalar subquery ``sql`` and the page, in one
        statement: one round trip, and both read from one snapshot."""
        if self.sql is None:
            return fetch_bound(self._db(), f"SELECT {sql}", params)[0], EMPTY
        page_params = _swapped(self.params, self.slots, bbox)
        page_params += [Int8(limit), Int8(offset)]
        found, _, returned, text = self._fetch(
            f"SELECT {sql}, p.* FROM ({self.sql}) AS p", [*params, *page_params]
        )
        return found, FeaturePage(str(text), None, int(returned))

    def count(self, *, bbox: Bounds | None = None) -> int:
        """How many rows the page is taken from."""
        if self.sql is None:
            return 0
        params = _swapped(self.count_params, self.count_slots, bbox)
        (matched,) = self._fetch(self.count_sql, params)
        return int(matched)

    def _db(self) -> str:
        return router.db_for_read(self.model)

    def _fetch(self, sql: str, params: Sequence[Any]) -> Any:
        # Not prepared: a prepared statement's generic plan cannot know how
        # many rows the bbox holds and guesses 10, so it sorts every match
        # by id rather than walking the id index (4-5 times slower for a
        # 5 km box of 100,000 points). Planned per request, as the ORM's
        # SQL is; compiling it was the cost this saves.
        return fetch_bound(self._db(), sql, params, prepare=False)


EMPTY = FeaturePage("[]", None, 0)


def _slots(params: Sequence[Any]) -> list[tuple[int, int]]:
    """Where in ``params`` each side of the sentinel bbox is."""
    return sentinel_slots(params, _SENTINEL, float)


def _swapped(
    params: Sequence[Any], slots: Sequence[tuple[int, int]], bbox: Bounds | None
) -> list[Any]:
    if not slots:
        return list(params)
    if bbox is None:
        raise ValueError("This page is compiled for a bbox.")
    return swapped(params, slots, bbox)


def feature_collection(
    queryset: QuerySet,
    *,
    geometry: str,
    properties: Sequence[str],
    id_field: str = "id",
    extra_members: str = "",
) -> str:
    """A FeatureCollection as text; ``extra_members`` is pre-rendered JSON
    members (``"numberMatched": 3, ...``) added to the top-level object."""
    features = features_json(
        queryset, geometry=geometry, properties=properties, id_field=id_field
    )
    extra = f", {extra_members}" if extra_members else ""
    return f'{{"type": "FeatureCollection"{extra}, "features": {features}}}'
