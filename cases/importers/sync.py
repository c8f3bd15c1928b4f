"""Bringing one model's rows in line with one source file, in bulk.

Rows are matched on a source key. New rows are created with one bulk
INSERT, changed rows updated with one bulk UPDATE, unchanged rows left
alone, and the area links of every created or changed row recomputed in
one set-based statement: a file of thousands of rows costs a handful of
queries, not thousands.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, models

from cases.services.links import areas_link
from geo import srid
from geo.sources import ImportReport

BATCH = 2000


@dataclass
class Incoming:
    """One good source row: its key and the field values it sets."""

    key: tuple[Any, ...]
    values: dict[str, Any]


def ogr_path(path: Path) -> Path:
    """``path`` as GDAL reads it: a gzipped file through /vsigzip/.

    GDAL's virtual path needs its double slash, which ``Path`` would fold;
    the string is only handed on to GDAL.
    """
    if path.suffix == ".gz":
        return cast(Path, f"/vsigzip/{path.resolve()}")
    return path


def sync_rows(
    model: type[models.Model],
    *,
    key_fields: tuple[str, ...],
    rows: list[Incoming],
    report: ImportReport,
    scope: dict[str, Any] | None = None,
) -> list[int]:
    """Create or update ``rows`` of ``model``; returns the ids of the rows in
    the file. ``scope`` narrows which stored rows the keys are matched
    against (e.g. one source register)."""
    manager = model._default_manager
    stored = manager.filter(**(scope or {}))
    existing = {tuple(getattr(o, f) for f in key_fields): o for o in stored}
    fields = sorted({name for row in rows for name in row.values})
    to_create: list[models.Model] = []
    matched: list[tuple[models.Model, Incoming]] = []
    for row in rows:
        obj = existing.get(row.key)
        if obj is None:
            keys = dict(zip(key_fields, row.key, strict=True))
            to_create.append(model(**keys, **row.values))
        else:
            matched.append((obj, row))
    moved = _moved(model, matched)
    to_update = []
    for obj, row in matched:
        if obj.pk in moved or _attributes_changed(obj, row.values):
            for name, value in row.values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        else:
            report.unchanged += 1
    created = manager.bulk_create(to_create, batch_size=BATCH)
    report.created += len(created)
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=BATCH)
        report.updated += len(to_update)
    new_ids = [o.pk for o in created]
    areas_link(model, new_ids + [o.pk for o in to_update])
    return [o.pk for o, _ in matched] + new_ids


def _attributes_changed(obj: models.Model, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        if name == "location":
            continue
        field = obj._meta.get_field(name)
        if field.is_relation:
            # The stored key, not the related row: no query per row.
            current = getattr(obj, field.attname)  # type: ignore[union-attr]
            value = value.pk if value is not None else None
        else:
            current = getattr(obj, name)
        if current != value:
            return True
    return False


# Compared in PostGIS after the same transformation as on save: the stored
# geometry is in the storage CRS, the incoming one in the source's, and a
# round trip through Python would not give the same digits back.
_MOVED_SQL = """
SELECT item.id
FROM unnest(%(ids)s::bigint[], %(geometries)s::bytea[]) AS incoming(id, ewkb)
JOIN {table} AS item ON item.id = incoming.id
WHERE NOT ST_Equals(
    item.location, ST_Transform(ST_GeomFromEWKB(incoming.ewkb), {srid}))
"""


def _moved(
    model: type[models.Model], matched: list[tuple[models.Model, Incoming]]
) -> set[int]:
    """Ids of the stored rows whose location the incoming rows change."""
    moved: set[int] = set()
    ids: list[int] = []
    geometries: list[bytes] = []
    for obj, row in matched:
        if "location" not in row.values:
            continue
        new = row.values["location"]
        old = getattr(obj, "location", None)
        if new is None or old is None:
            if (new is None) != (old is None):
                moved.add(obj.pk)
            continue
        assert isinstance(new, GEOSGeometry)
        ids.append(obj.pk)
        geometries.append(bytes(new.ewkb))
    if ids:
        sql = _MOVED_SQL.format(
            table=connection.ops.quote_name(model._meta.db_table), srid=srid.STORAGE
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"ids": ids, "geometries": geometries})
            moved.update(row[0] for row in cursor.fetchall())
    return moved
