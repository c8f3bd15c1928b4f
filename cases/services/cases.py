from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from cases.models import Case
from cases.services.links import Progress, areas_link, areas_link_new
from cases.services.locations import checked_location
from districts.permissions import AnyUser, can_file_cases, ensure
from geo import srid

EDITABLE = (
    "diary_number",
    "title_fi",
    "title_sv",
    "summary_fi",
    "summary_sv",
    "status",
    "department",
    "decision_maker",
    "classification",
    "opened_on",
    "decided_on",
    "links",
)
NEXT_STATUS = {
    Case.Status.PENDING: {Case.Status.IN_PREPARATION, Case.Status.DECIDED},
    Case.Status.IN_PREPARATION: {Case.Status.DECIDED},
    Case.Status.DECIDED: {Case.Status.CLOSED},
    Case.Status.CLOSED: set(),
}


def _check_links(links: Any) -> None:
    if not isinstance(links, list) or not all(
        isinstance(link, dict) and isinstance(link.get("url", ""), str)
        for link in links
    ):
        raise ValidationError({"links": "Expected a list of {title, url} objects."})


@transaction.atomic
def case_create(
    *,
    title_fi: str,
    location: Any = None,
    diary_number: str = "",
    title_sv: str = "",
    summary_fi: str = "",
    summary_sv: str = "",
    status: str = Case.Status.PENDING,
    department: str = "",
    decision_maker: str = "",
    classification: str = "",
    opened_on: date | str | None = None,
    decided_on: date | str | None = None,
    links: list[dict[str, str]] | None = None,
) -> Case:
    links = links if links is not None else []
    _check_links(links)
    geometry = checked_location(location)
    case = Case(
        title_fi=title_fi,
        title_sv=title_sv,
        summary_fi=summary_fi,
        summary_sv=summary_sv,
        diary_number=diary_number,
        status=status,
        department=department,
        decision_maker=decision_maker,
        classification=classification,
        opened_on=opened_on,
        decided_on=decided_on,
        links=links,
        location=geometry,
        placement=Case.Placement.GIVEN if geometry else Case.Placement.NONE,
    )
    case.full_clean()
    case.save()
    areas_link(Case, [case.pk])
    return case


def case_file(*, actor: AnyUser, **fields: Any) -> Case:
    """A case filed by a person through the API: staff only."""
    ensure(can_file_cases(actor), "Only city staff (planners and admins) file cases.")
    return case_create(**fields)


_UNSET: Any = object()


@transaction.atomic
def case_update(case: Case, *, location: Any = _UNSET, **changes: Any) -> Case:
    """Change fields of ``case``; ``location=None`` removes its geometry.
    The status moves only forward along pending -> in preparation ->
    decided -> closed. All or nothing."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            {name: "Not a field that can be changed." for name in sorted(unknown)}
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    if "links" in changes:
        _check_links(changes["links"])
    new_status = changes.get("status", case.status)
    if new_status != case.status and new_status not in NEXT_STATUS.get(
        Case.Status(case.status), set()
    ):
        raise ValidationError(
            {"status": f"A {case.status} case cannot become {new_status!s:.20}."}
        )
    for name, value in changes.items():
        setattr(case, name, value)
    moved = location is not _UNSET
    if moved:
        case.location = checked_location(location)
        case.placement = Case.Placement.GIVEN if case.location else Case.Placement.NONE
    case.full_clean()
    case.save()
    if moved:
        areas_link(Case, [case.pk])
    return case


# Staging table for bulk loads: the case table's columns, with a location
# of any SRID so the incoming geometries are transformed by PostGIS on the
# way in, exactly as a single save transforms them.
_STAGE_SQL = """
CREATE TEMP TABLE case_bulk_stage ON COMMIT DROP AS
SELECT * FROM cases_case WITH NO DATA;
ALTER TABLE case_bulk_stage ALTER COLUMN location TYPE geometry;
ALTER TABLE case_bulk_stage DROP COLUMN id
"""
_MOVE_SQL = """
INSERT INTO cases_case ({columns})
SELECT {selected} FROM case_bulk_stage
RETURNING id
"""


@transaction.atomic
def case_bulk_create(
    rows: Iterable[dict[str, Any]], *, progress: Progress | None = None
) -> list[int]:
    """Many trusted cases at once (imports, benchmarks), without per-row
    validation: rows are streamed with COPY into a staging table and moved
    into the case table by one INSERT ... SELECT, then linked to their
    areas chunk by chunk (``areas_link_new``), all in one transaction. Each
    row holds Case field values; ``location`` is a GEOS geometry in any
    SRID. A row naming a field the case has not stores nothing at all.
    ``progress`` is told (items linked, items in all) after each chunk.
    ``bulk_create`` compiles an INSERT with one placeholder per value,
    which is many times slower at this size."""
    # PostgreSQL fills generated columns (location_web) itself.
    fields = [
        f for f in Case._meta.concrete_fields if not f.primary_key and not f.generated
    ]
    known = {f.name for f in fields}
    now = timezone.now()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    selected = ", ".join(
        f"ST_Transform(location, {srid.STORAGE})"
        if f.name == "location"
        else qn(f.column)
        for f in fields
    )
    with connection.cursor() as cursor:
        # A bulk load is a long job by design; the request-sized statement
        # timeout would cut it off. Only this transaction is affected.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(_STAGE_SQL)
        with cursor.copy(f"COPY case_bulk_stage ({columns}) FROM STDIN") as copy:
            for row in rows:
                if not known.issuperset(row):
                    raise ValidationError(
                        {name: "Not a case field." for name in sorted(set(row) - known)}
                    )
                copy.write_row([_copy_value(f, row, now) for f in fields])
        cursor.execute(_MOVE_SQL.format(columns=columns, selected=selected))
        ids = [found[0] for found in cursor.fetchall()]
    areas_link_new(Case, ids, progress=progress)
    return ids


def _copy_value(field: Any, row: dict[str, Any], now: datetime) -> Any:
    if field.name in ("created_at", "updated_at"):
        return now
    if field.name == "placement":
        given = row.get("location") is not None
        return Case.Placement.GIVEN if given else Case.Placement.NONE
    value = row.get(field.name, field.get_default())
    if field.name == "location":
        return value.hexewkb.decode() if value is not None else None
    if isinstance(field, models.JSONField):
        return Jsonb(value)
    return value
