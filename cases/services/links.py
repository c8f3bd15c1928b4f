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

from collections.abc import Iterable

from django.apps import apps
from django.db import connection, models

from cases.models import BudgetProposal
from cases.models.base import InAreas
from districts.models import District


def linked_models() -> list[type[models.Model]]:
    """Every concrete ``InAreas`` model, in the apps above this one too
    (feedback): they join the relinking by inheriting, not by being named
    here."""
    return [m for m in apps.get_models() if issubclass(m, InAreas)]


# Identifiers come from model metadata, never from requests.
_SQL = """
WITH wanted AS (
    SELECT item.id AS item_id, area.id AS district_id
    FROM {item} AS item
    JOIN {district} AS area
      ON ST_Intersects(area.boundary, item.location)
    WHERE item.id = ANY(%(ids)s) AND NOT area.is_sea
    {fallback}
),
removed AS (
    DELETE FROM {link} AS link
    WHERE link.{item_col} = ANY(%(ids)s)
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

# A proposal without a point belongs to the major district it names.
_PROPOSAL_FALLBACK = """
    UNION ALL
    SELECT item.id, item.district_id
    FROM {item} AS item
    WHERE item.id = ANY(%(ids)s) AND item.location IS NULL
      AND item.district_id IS NOT NULL
"""


def _statement(model: type[models.Model]) -> str:
    names = _names(model)
    fallback = _PROPOSAL_FALLBACK.format(**names) if model is BudgetProposal else ""
    return _SQL.format(fallback=fallback, **names)


def areas_link(model: type[models.Model], ids: Iterable[int]) -> set[int]:
    """Bring the area links of the ``model`` items ``ids`` up to date.

    Returns the ids of the items whose links changed.
    """
    ids = list(ids)
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_statement(model), {"ids": ids})
        return {row[0] for row in cursor.fetchall()}


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
