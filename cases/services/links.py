"""Links between located items and the official areas they lie in.

One set-based statement per save or per batch: PostGIS decides membership
for all the given items at once and the link table is brought to that
answer by deleting what is no longer true and inserting what is new, so an
unchanged link is never rewritten and the caller learns exactly which items
moved.

Membership: an item belongs to every area it *intersects*. For a point
that is exactly "the area covers it" (a point on a shared border belongs
to both sides); a line or polygon crossing a border belongs to both sides;
a multipoint (a case naming two places) belongs to the areas of each of
its points, which ``ST_Covers`` would wrongly narrow to areas holding all.
The sea areas (``is_sea``) are left out, as ``districts.selectors.locate``
leaves them out: the map never puts an item "in the sea area" when it is
also in a neighbourhood, and an item out at sea is in no residents' area.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from cases.models import BudgetProposal
from cases.models.base import InAreas
from districts.models import District


def linked_models() -> list[type[models.Model]]:
    """Every concrete ``InAreas`` model, in the apps above this one too
    (feedback): they join the relinking by inheriting, not by being named
    here."""
    return [m for m in apps.get_models() if issubclass(m, InAreas)]


# Identifiers come from model metadata, never from requests. ``{items}`` is
# where the items' ids and locations are read from (below); everything else
# about membership is said here once.
_MEMBERS_SQL = """
    SELECT item.id AS item_id, area.id AS district_id
    FROM {items} AS item
    JOIN {district} AS area
      ON ST_Intersects(area.boundary, item.location)
    WHERE NOT area.is_sea
    {fallback}
"""

# A proposal without a point belongs to the major district it names.
_PROPOSAL_FALLBACK = """
    UNION ALL
    SELECT item.id, item.district_id
    FROM {item} AS item
    WHERE item.id = ANY(%(ids)s::bigint[]) AND item.location IS NULL
      AND item.district_id IS NOT NULL
"""

# The array is cast to the id column's type: psycopg sends small ints as an
# integer[], and ``bigint = ANY(integer[])`` cannot be hashed, so PostgreSQL
# would scan the whole array once per candidate row (quadratic in the ids).
_GIVEN = "(SELECT id, location FROM {item} WHERE id = ANY(%(ids)s::bigint[]))"

_DIFF_SQL = """
WITH wanted AS ({members}),
removed AS (
    DELETE FROM {link} AS link
    WHERE link.{item_col} = ANY(%(ids)s::bigint[])
      AND NOT EXISTS (
        SELECT 1 FROM wanted
        WHERE wanted.item_id = link.{item_col}
          AND wanted.district_id = link.{district_col})
    RETURNING link.{item_col} AS item_id
),
added AS (
    INSERT INTO {link} ({item_col}, {district_col})
    SELECT wanted.item_id, wanted.district_id FROM wanted
    WHERE NOT EXISTS (
        SELECT 1 FROM {link} AS link
        WHERE link.{item_col} = wanted.item_id
          AND link.{district_col} = wanted.district_id)
    RETURNING {item_col} AS item_id
)
SELECT item_id FROM removed UNION SELECT item_id FROM added
"""

# Items that have no links yet: nothing to compare with, only to insert, in
# the link table's key order so its indexes grow at their right edge.
_NEW_SQL = """
INSERT INTO {link} ({item_col}, {district_col})
SELECT item_id, district_id FROM ({members}) AS wanted
ORDER BY item_id, district_id
"""

# Above this many ids the items are linked in chunks of at most ``chunk``
# ids, each first copied (id, location) into a temporary table with its own
# spatial index. PostGIS then walks the areas and finds each one's items in
# the chunk, testing one area against many points in a row, which lets it
# prepare the area's polygon once per chunk; reading the items from the big
# table instead tests each point against its areas in turn, unprepared, and
# costs several times more per item. Below it, one plain statement is
# cheaper than creating the table.
DIRECT_MAX = 500
CHUNK = 50_000
_STAGE = "piiri_link_chunk"
_STAGE_SQL = f"""
CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (id bigint, location geometry)
    ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS {_STAGE}_location ON {_STAGE} USING gist (location)
"""
_FILL_SQL = f"""
INSERT INTO {_STAGE} SELECT id, location FROM {{item}}
WHERE id = ANY(%(ids)s::bigint[]) AND location IS NOT NULL
"""

# Called after each chunk with (items linked so far, items in all).
Progress = Callable[[int, int], None]


def areas_link(
    model: type[models.Model],
    ids: Iterable[int],
    *,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> set[int]:
    """Bring the area links of the ``model`` items ``ids`` up to date,
    deleting what is no longer true and inserting what is new, in chunks of
    at most ``chunk`` ids inside one transaction.

    Returns the ids of the items whose links changed.
    """
    moved: set[int] = set()

    def link(cursor: CursorWrapper, sql: str, params: dict[str, Any]) -> None:
        cursor.execute(sql, params)
        moved.update(row[0] for row in cursor.fetchall())

    _in_chunks(model, ids, _DIFF_SQL, link, chunk=chunk, progress=progress)
    return moved


def areas_link_new(
    model: type[models.Model],
    ids: Iterable[int],
    *,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> int:
    """Link the ``model`` items ``ids``, which have no area links yet (they
    were just created), to their areas: ``areas_link`` without the
    comparison with stored links. Returns the number of links made."""
    made = 0

    def link(cursor: CursorWrapper, sql: str, params: dict[str, Any]) -> None:
        nonlocal made
        cursor.execute(sql, params)
        made += cursor.rowcount

    _in_chunks(model, ids, _NEW_SQL, link, chunk=chunk, progress=progress)
    return made


def _in_chunks(
    model: type[models.Model],
    ids: Iterable[int],
    template: str,
    run: Callable[[CursorWrapper, str, dict[str, Any]], None],
    *,
    chunk: int,
    progress: Progress | None,
) -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    names = _names(model)
    fallback = _PROPOSAL_FALLBACK.format(**names) if model is BudgetProposal else ""
    staged = len(ids) > min(DIRECT_MAX, chunk)
    items = _STAGE if staged else _GIVEN.format(**names)
    members = _MEMBERS_SQL.format(items=items, fallback=fallback, **names)
    sql = template.format(members=members, **names)
    with transaction.atomic(), connection.cursor() as cursor:
        if staged:
            # Each chunk's statements are many and quick: compiling them
            # (JIT) would cost more than running them.
            cursor.execute(
                "SELECT current_setting('jit'), set_config('jit', 'off', true)"
            )
            jit = cursor.fetchone()[0]
            cursor.execute(_STAGE_SQL)
        for start in range(0, len(ids), chunk):
            params = {"ids": ids[start : start + chunk]}
            if staged:
                cursor.execute(f"TRUNCATE {_STAGE}")
                cursor.execute(_FILL_SQL.format(**names), params)
                cursor.execute(f"ANALYZE {_STAGE}")
            run(cursor, sql, params)
            if progress:
                progress(min(start + chunk, len(ids)), len(ids))
        if staged:
            cursor.execute("SELECT set_config('jit', %s, true)", [jit])


_CANDIDATES_SQL = """
SELECT link.{item_col} FROM {link} AS link
WHERE link.{district_col} = ANY(%(district_ids)s)
UNION
SELECT item.id FROM {item} AS item
JOIN {district} AS area
  ON area.boundary && item.location
 AND ST_Intersects(area.boundary, item.location)
WHERE area.id = ANY(%(district_ids)s)
"""


def _names(model: type[models.Model]) -> dict[str, str]:
    qn = connection.ops.quote_name
    field = model._meta.get_field("areas")
    assert isinstance(field, models.ManyToManyField)
    through = field.remote_field.through
    assert through is not None
    return {
        "item": qn(model._meta.db_table),
        "district": qn(District._meta.db_table),
        "link": qn(through._meta.db_table),
        "item_col": qn(field.m2m_column_name()),
        "district_col": qn(field.m2m_reverse_name()),
    }


def areas_relink_near(district_ids: list[int]) -> dict[str, set[int]]:
    """Recompute the links of the items whose answer can change because the
    areas ``district_ids`` were created or moved: those linked to one of
    them now (they may have left it) and those touching one's new boundary
    (they may have entered it). Returns the moved item ids per model."""
    moved: dict[str, set[int]] = {}
    for model in linked_models():
        with connection.cursor() as cursor:
            cursor.execute(
                _CANDIDATES_SQL.format(**_names(model)),
                {"district_ids": list(district_ids)},
            )
            candidates = [row[0] for row in cursor.fetchall()]
        moved[model._meta.model_name or ""] = areas_link(model, candidates)
    return moved
