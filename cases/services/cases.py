from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case
from cases.services.links import areas_link
from cases.services.locations import checked_location

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


@transaction.atomic
def case_bulk_create(
    rows: list[dict[str, Any]], *, batch_size: int = 5000
) -> list[int]:
    """Many trusted cases at once (imports, benchmarks): one INSERT per
    batch and one linking statement for all, no per-row validation. Each
    row holds Case field values; ``location`` is a GEOS geometry in any
    SRID (PostGIS transforms it on insert)."""
    cases = [
        Case(
            **row,
            placement=Case.Placement.GIVEN
            if row.get("location") is not None
            else Case.Placement.NONE,
        )
        for row in rows
    ]
    created = Case.objects.bulk_create(cases, batch_size=batch_size)
    ids = [case.pk for case in created]
    areas_link(Case, ids)
    return ids
