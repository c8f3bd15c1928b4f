"""Same-topic detection: initiatives and budget proposals like a given text.

One rank from three signals, each between 0 and 1, computed by PostgreSQL:

- **text**: full-text rank of the candidate against every lexeme of the
  given text, with the Finnish and the Swedish configurations (the better
  of the two), so "leikkipuistoon" meets "leikkipuisto"; relative to the
  best candidate;
- **trigram**: pg_trgm similarity of the titles, which catches compounds
  and misspellings that stemming misses; relative to the best candidate;
- **distance**: 1 at the same place, falling to a half at
  ``HALF_DISTANCE_M``; 0 when either has no location.

``WEIGHTS`` were chosen on the OmaStadi plans (bench/similar.py, results
in bench/results/similar.md) and are the only place the mix is said.
"""

from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from cases.models import BudgetProposal
from geo import srid
from initiatives.models import Initiative

Kind = Literal["initiative", "proposal"]
HALF_DISTANCE_M = 1000.0


@dataclass(frozen=True)
class Weights:
    text: float
    trigram: float
    distance: float


WEIGHTS = Weights(text=0.6, trigram=0.2, distance=0.2)
TEXT_ONLY = Weights(text=1.0, trigram=0.0, distance=0.0)
DISTANCE_ONLY = Weights(text=0.0, trigram=0.0, distance=1.0)


@dataclass(frozen=True)
class Query:
    """What is compared: a title, a text and a location (EWKT in the
    storage SRID, or None)."""

    title: str
    text: str
    location: Any = None


@dataclass(frozen=True)
class Similar:
    kind: Kind
    id: int
    title: str
    rank: float
    text: float
    trigram: float
    distance_m: float | None


# Each lexeme of the query text, quoted, ORed: to_tsquery('simple', ...)
# keeps the lexemes as the configuration stemmed them. The candidates'
# lexemes are stored (search_fi, search_sv). Text and trigram scores are
# divided by the best among the candidates, so each signal spans 0..1
# whatever the length of the texts.
_QUERY = """
WITH q AS MATERIALIZED (
    SELECT %(title)s::text AS title,
           %(location)s::geometry AS location,
           coalesce(to_tsquery('simple', (
               SELECT string_agg(quote_literal(lexeme), ' | ')
               FROM unnest(tsvector_to_array(to_tsvector('finnish', %(doc)s))) AS lexeme
           )), ''::tsquery) AS q_fi,
           coalesce(to_tsquery('simple', (
               SELECT string_agg(quote_literal(lexeme), ' | ')
               FROM unnest(tsvector_to_array(to_tsvector('swedish', %(doc)s))) AS lexeme
           )), ''::tsquery) AS q_sv
),
raw AS (
    SELECT c.kind, c.id, c.title,
           greatest(ts_rank(c.search_fi, q.q_fi), ts_rank(c.search_sv, q.q_sv))
               AS text_raw,
           similarity(c.title, q.title) AS trigram_raw,
           ST_Distance(c.location, q.location) AS distance_m
    FROM ({candidates}) AS c, q
),
scored AS (
    SELECT *,
           coalesce(text_raw / nullif(max(text_raw) OVER (), 0), 0) AS text_score,
           coalesce(trigram_raw / nullif(max(trigram_raw) OVER (), 0), 0)
               AS trigram_score,
           coalesce(%(half)s / (%(half)s + distance_m), 0) AS distance_score
    FROM raw
)
SELECT kind, id, title, text_score, trigram_score, distance_m,
       %(w_text)s * text_score + %(w_trigram)s * trigram_score
       + %(w_distance)s * distance_score AS rank
FROM scored
ORDER BY rank DESC, id
LIMIT %(limit)s
"""

_PROPOSALS = """
SELECT 'proposal' AS kind, p.id, p.title, p.search_fi, p.search_sv, p.location
FROM {table} AS p
WHERE p.id <> %(exclude_proposal)s {where}
"""
_INITIATIVES = """
SELECT 'initiative' AS kind, i.id, i.title, i.search_fi, i.search_sv, i.location
FROM {table} AS i
WHERE i.status <> 'draft' AND i.duplicate_of_id IS NULL
  AND i.id <> %(exclude_initiative)s
"""


def similar(
    query: Query,
    *,
    limit: int = 5,
    proposals: bool = True,
    initiatives: bool = True,
    exclude: tuple[Kind, int] | None = None,
    in_round: int | None = None,
    weights: Weights = WEIGHTS,
) -> list[Similar]:
    """The ``limit`` items most like ``query``, best first: budget proposals
    (of round ``in_round`` only, if given) and published initiatives."""
    parts = []
    if proposals:
        where = "AND p.round = %(round)s" if in_round is not None else ""
        parts.append(
            _PROPOSALS.format(table=BudgetProposal._meta.db_table, where=where)
        )
    if initiatives:
        parts.append(_INITIATIVES.format(table=Initiative._meta.db_table))
    if not parts:
        return []
    kind, pk = exclude or ("", 0)
    params = {
        "title": query.title,
        "doc": f"{query.title} {query.text}",
        "location": query.location,
        "exclude_proposal": pk if kind == "proposal" else 0,
        "exclude_initiative": pk if kind == "initiative" else 0,
        "round": in_round,
        "w_text": weights.text,
        "w_trigram": weights.trigram,
        "w_distance": weights.distance,
        "half": HALF_DISTANCE_M,
        "limit": limit,
    }
    sql = _QUERY.format(candidates=" UNION ALL ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Similar(
            kind=row[0],
            id=row[1],
            title=row[2],
            text=round_score(row[3]),
            trigram=round_score(row[4]),
            distance_m=None if row[5] is None else round(row[5], 1),
            rank=round_score(row[6]),
        )
        for row in rows
    ]


def round_score(value: float | None) -> float:
    return round(float(value or 0), 4)


def query_of(item: Initiative | BudgetProposal) -> Query:
    text = item.text if isinstance(item, Initiative) else item.description
    return Query(title=item.title, text=text, location=storage_ewkt(item.location))


def storage_ewkt(geometry: GEOSGeometry | None) -> str | None:
    if geometry is None:
        return None
    if geometry.srid != srid.STORAGE:
        geometry = geometry.transform(srid.STORAGE, clone=True)
    return geometry.ewkt


def similar_to(
    item: Initiative | BudgetProposal, *, limit: int = 5, **options: Any
) -> list[Similar]:
    kind: Kind = "initiative" if isinstance(item, Initiative) else "proposal"
    return similar(query_of(item), limit=limit, exclude=(kind, item.pk), **options)
