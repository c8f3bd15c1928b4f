"""Bringing one model's rows in line with one source file, in bulk: the
sync step every importer shares.

Rows are matched on a source key within a scope: the rows that came from
that source, never rows people made through the API. New rows are created
with one bulk INSERT, changed rows updated with one bulk UPDATE, unchanged
rows left alone, and stored rows the file no longer has are deleted. A file
that would delete more than ``MAX_DELETE_SHARE`` of the scope is refused
before anything is written, unless forced, as munigeo's ``ModelSyncher``
does: a truncated download must not wipe the map. A row that left the
source but that a protecting reference still points at (a meeting's
venue, a forum's area) is kept and named in the report; references that
cascade or go null follow their model's ``on_delete``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, models
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector

from geo import srid
from geo.sources import ImportReport

# Share of the stored rows in scope an import may delete without --force.
MAX_DELETE_SHARE = 0.10
BATCH = 2000


class ImportRefusedError(Exception):
    """The import would do damage (delete too much); nothing was written."""


@dataclass
class Incoming:
    """One good source row: its key and the field values it sets."""

    key: tuple[Any, ...]
    values: dict[str, Any]


@dataclass
class Synced:
    """The ids each part of a sync touched."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    # Updated rows whose geometry changed (a subset of ``updated``).
    moved: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


def sync_rows(
    model: type[models.Model],
    *,
    key_fields: tuple[str, ...],
    rows: list[Incoming],
    report: ImportReport,
    scope: Q | None = None,
    geometry: str = "location",
    bookkeeping: Iterable[str] = (),
    force: bool = False,
) -> Synced:
    """Make the stored rows of ``model`` within ``scope`` the ``rows`` of one
    source, matched on ``key_fields``.

    ``geometry`` is compared in PostGIS; ``bookkeeping`` fields (e.g. the
    snapshot a row was read from) are written with every change but are no
    change by themselves. Call it inside a transaction: a refusal raises
    ``ImportRefusedError`` before any write.
    """
    manager = model._default_manager
    stored = manager.filter(scope or Q())
    existing = {tuple(getattr(o, f) for f in key_fields): o for o in stored}
    incoming_keys = {row.key for row in rows}
    gone_keys = [key for key in existing if key not in incoming_keys]
    gone = [existing[key] for key in gone_keys]
    if gone and not force and len(gone) > MAX_DELETE_SHARE * len(existing):
        names = sorted(_label(key) for key in gone_keys)
        raise ImportRefusedError(
            f"{report.source} would delete {len(gone)} of {len(existing)} "
            f"{model.__name__} rows ({', '.join(names[:10])}"
            f"{'...' if len(names) > 10 else ''}); refusing without --force."
        )
    ignored = set(bookkeeping)
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
    moved = _moved(model, geometry, matched)
    synced = Synced()
    to_update = []
    for obj, row in matched:
        if obj.pk in moved or _changed(obj, row.values, skip={geometry, *ignored}):
            for name, value in row.values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        else:
            report.unchanged += 1
    created = manager.bulk_create(to_create, batch_size=BATCH)
    synced.created = [o.pk for o in created]
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=BATCH)
    synced.updated = [o.pk for o in to_update]
    synced.moved = sorted(moved)
    kept = [obj for obj in gone if _protected(obj)]
    synced.deleted = [obj.pk for obj in gone if obj not in kept]
    if synced.deleted:
        manager.filter(pk__in=synced.deleted).delete()
    for obj in kept:
        report.notes.append(
            f"kept {obj}: it left {report.source}, but other records must "
            "keep referring to it"
        )
    report.created += len(synced.created)
    report.updated += len(synced.updated)
    report.deleted += len(synced.deleted)
    return synced


def _label(key: tuple[Any, ...]) -> str:
    return "/".join(str(part) for part in key)


def _changed(obj: models.Model, values: dict[str, Any], *, skip: set[str]) -> bool:
    for name, value in values.items():
        if name in skip:
            continue
        field_ = obj._meta.get_field(name)
        if field_.is_relation and name != field_.attname:  # type: ignore[union-attr]
            # The stored key, not the related row: no query per row.
            current = getattr(obj, field_.attname)  # type: ignore[union-attr]
            value = value.pk if value is not None else None
        else:
            current = getattr(obj, name)
        if current != value:
            return True
    return False


def _protected(obj: models.Model) -> bool:
    """Does a PROTECT or RESTRICT reference forbid deleting ``obj``?"""
    try:
        Collector(using=obj._state.db or "default").collect([obj])
    except (ProtectedError, RestrictedError):
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
    item.{column}, ST_Transform(ST_GeomFromEWKB(incoming.ewkb), {srid}))
"""


def _moved(
    model: type[models.Model],
    geometry: str,
    matched: list[tuple[models.Model, Incoming]],
) -> set[int]:
    """Ids of the stored rows whose geometry the incoming rows change."""
    moved: set[int] = set()
    ids: list[int] = []
    geometries: list[bytes] = []
    for obj, row in matched:
        if geometry not in row.values:
            continue
        new = row.values[geometry]
        old = getattr(obj, geometry, None)
        if new is None or old is None:
            if (new is None) != (old is None):
                moved.add(obj.pk)
            continue
        assert isinstance(new, GEOSGeometry)
        ids.append(obj.pk)
        geometries.append(bytes(new.ewkb))
    if ids:
        quote = connection.ops.quote_name
        column = model._meta.get_field(geometry)
        assert isinstance(column, models.Field) and column.column
        sql = _MOVED_SQL.format(
            table=quote(model._meta.db_table),
            column=quote(column.column),
            srid=srid.STORAGE,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"ids": ids, "geometries": geometries})
            moved.update(row[0] for row in cursor.fetchall())
    return moved
