"""The City's feedback history (Open311 GeoReport v2 records) into
Feedback, with its services, units and replies.

Matched on ``service_request_id``, so a re-import updates in place and a
file imported twice changes nothing. The routing defaults are relearned
from the imported history afterwards (feedback.routing). Points outside
Helsinki are kept and linked to no area. Imported records the file no
longer has are deleted by the one guarded sync (geo.sync), which refuses a
file that would delete a large share of them unless forced.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from cases.importers.sync import ogr_path, sync_items
from districts.importers import import_once
from feedback.models import Feedback, Service, StatusNote, Unit
from feedback.routing import learned_routes_refresh
from geo.sources import ImportReport, read_rows, to_geos
from geo.sync import Incoming

Origin = Feedback.Origin
HELSINKI_FEEDBACK = (
    Path("feedback") / "helsinki_feedback_open311_2014-12_2015-08.geojson.gz"
)


def import_feedback(
    path: Path, *, force: bool = False, progress: bool = True, skip_known: bool = False
) -> ImportReport:
    return import_once(
        "feedback",
        path,
        lambda: _import_feedback(path, force=force, progress=progress),
        skip_known=skip_known,
    )


def _text(props: dict[str, Any], name: str) -> str:
    value = props.get(name)
    return "" if value is None else str(value).strip()


@transaction.atomic
def _import_feedback(path: Path, *, force: bool, progress: bool) -> ImportReport:
    report = ImportReport(source=path.name)
    services = {s.code: s for s in Service.objects.all()}
    units = {u.name: u for u in Unit.objects.all()}
    check_url = URLValidator(schemes=["http", "https"])
    seen: set[str] = set()
    incoming: list[Incoming] = []
    replies: dict[str, tuple[str, str, Any]] = {}
    for row in tqdm(
        list(read_rows(ogr_path(path))),
        desc=f"feedback {path.name}",
        disable=not progress,
    ):
        props = row.properties
        request_id = _text(props, "service_request_id")
        if not request_id:
            report.reject(row.number, "service_request_id", "no id")
            continue
        if request_id in seen:
            report.reject(
                row.number, "service_request_id", f"{request_id} appears twice"
            )
            continue
        description = _text(props, "description")
        if not description:
            report.reject(row.number, "description", "no description")
            continue
        status = _text(props, "status")
        if status not in Feedback.Status.values:
            report.reject(row.number, "status", f"not open or closed: {status!r}")
            continue
        requested = parse_datetime(_text(props, "requested_datetime"))
        if requested is None:
            report.reject(row.number, "requested_datetime", "not a date and time")
            continue
        updated = parse_datetime(_text(props, "updated_datetime")) or requested
        if row.geometry is None or row.geometry.geom_type != "Point":
            kind = row.geometry.geom_type if row.geometry is not None else "nothing"
            report.reject(row.number, "geometry", f"a point is needed, got {kind}")
            continue
        media_url = _text(props, "media_url")
        if media_url:
            try:
                check_url(media_url)
            except ValidationError:
                report.reject(row.number, "media_url", "not a web address")
                continue
        code = _text(props, "service_code")
        service = None
        if code:
            service = services.get(code)
            if service is None:
                name = _text(props, "service_name")
                # A code the history names is still offered; one it never
                # names is known only from history.
                service = Service.objects.create(
                    code=code, name=name, accepts_new=bool(name)
                )
                services[code] = service
        agency = _text(props, "agency_responsible")
        unit = None
        if agency:
            unit = units.get(agency) or Unit.objects.create(name=agency)
            units[agency] = unit
        seen.add(request_id)
        incoming.append(
            Incoming(
                key=(request_id,),
                values={
                    "service": service,
                    "title": _text(props, "title")[:200],
                    "description": description,
                    "address": _text(props, "address_string")[:200],
                    "media_url": media_url,
                    "status": status,
                    "detailed_status": _text(props, "detailed_status")[:100],
                    "unit": unit,
                    "routed_by": Feedback.RoutedBy.IMPORTED,
                    "requested_at": requested,
                    "updated_at": updated,
                    "location": to_geos(row.geometry, srid=row.srid),
                },
            )
        )
        if reply := _text(props, "status_notes"):
            replies[request_id] = (reply, agency, updated)
    for row in incoming:
        row.values["origin"] = Origin.IMPORTED
    # Only imported records are matched, and deleted when the file no
    # longer has them: feedback given in Piiri is never the file's.
    sync_items(
        Feedback,
        key_fields=("service_request_id",),
        rows=incoming,
        report=report,
        scope=Q(origin=Origin.IMPORTED),
        force=force,
    )
    report.notes.append(_sync_replies(replies))
    # The history changed: so may what it teaches.
    report.notes.append(f"{learned_routes_refresh()} routing defaults learned")
    return report


def _sync_replies(replies: dict[str, tuple[str, str, Any]]) -> str:
    """The City's reply to each imported record as one imported note:
    created, updated or left alone, like the records themselves."""
    ids = dict(
        Feedback.objects.filter(
            origin=Origin.IMPORTED, service_request_id__in=replies
        ).values_list("service_request_id", "id")
    )
    notes = {
        note.feedback_id: note
        for note in StatusNote.objects.filter(
            origin=Origin.IMPORTED, feedback_id__in=ids.values()
        )
    }
    to_create, to_update = [], []
    for request_id, (text, author, at) in replies.items():
        note = notes.get(ids[request_id])
        if note is None:
            to_create.append(
                StatusNote(
                    feedback_id=ids[request_id],
                    text=text,
                    author=author,
                    created_at=at,
                    origin=Origin.IMPORTED,
                )
            )
        elif (note.text, note.author, note.created_at) != (text, author, at):
            note.text, note.author, note.created_at = text, author, at
            to_update.append(note)
    StatusNote.objects.bulk_create(to_create)
    StatusNote.objects.bulk_update(to_update, ["text", "author", "created_at"])
    return f"replies: {len(to_create)} created, {len(to_update)} updated"
