"""Cases from the City's decision-making system Ahjo (REST API v1 /cases).

Ahjo carries no geometry. A case whose title names a place (an official
land area in Finnish or Swedish, a "(NN.ko)" neighbourhood number, or a
facility) is mapped at a representative point of each place it names and
is then linked to the areas those points lie in, like any located item;
the names matched are kept in ``Case.place_names``. A case naming no place
stays unlocated: listed, not mapped, and counted in the report. A location
given by hand (``placement = given``) is never replaced by a re-import. A
case the file no longer has is deleted (geo.sync: guarded, ``force`` to
delete more); cases made in Piiri have no Ahjo id and are never touched.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import MultiPoint
from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from cases.gazetteer import Gazetteer, Place, representative_point
from cases.importers.sync import sync_items
from cases.models import Case, Facility
from districts.importers import import_once
from districts.models import District
from geo import srid
from geo.sources import ImportReport
from geo.sync import Incoming

Level = District.Level
STATUSES = {
    "Vireillä": Case.Status.PENDING,
    # Ahjo "Ratkaistu" (resolved) and "Päätetty" (decided) both end the
    # decision-making; "closed" is left for cases archived afterwards.
    "Ratkaistu": Case.Status.DECIDED,
    "Päätetty": Case.Status.DECIDED,
}
DECISION_TYPES = {"päätös", "viranhaltijan päätös"}
# The cases that came from Ahjo: a case made in Piiri has no source id.
FROM_AHJO = ~Q(source_id="")
# Finest first: a name shared by a sub-district and a neighbourhood is
# recorded as the sub-district.
LEVEL_ORDER = [Level.SUB_DISTRICT, Level.NEIGHBOURHOOD, Level.DISTRICT]


def helsinki_gazetteer() -> Gazetteer:
    """Every official land area below the major districts, by name, and
    every facility. Areas sharing a Finnish name at several levels are one
    place, mapped inside all of them."""
    by_name: dict[str, list[District]] = {}
    areas = (
        District.objects.on_land()
        .filter(level__in=LEVEL_ORDER)
        .only("level", "code", "name_fi", "name_sv", "boundary")
    )
    for area in areas:
        by_name.setdefault(area.name_fi.casefold(), []).append(area)
    entries: list[tuple[list[str], Place]] = []
    numbers: dict[str, Place] = {}
    for group in by_name.values():
        group.sort(key=lambda a: LEVEL_ORDER.index(Level(a.level)))
        finest = group[0]
        place = Place(
            name=finest.name_fi,
            kind=finest.level,
            code=finest.code,
            point=representative_point([a.boundary for a in group]),
        )
        names = [finest.name_fi] + sorted(
            {a.name_sv for a in group if a.name_sv and a.name_sv != finest.name_fi}
        )
        entries.append((names, place))
        for area in group:
            if area.level == Level.NEIGHBOURHOOD:
                numbers[area.code.zfill(2)] = place
    for facility in Facility.objects.exclude(location=None).only(
        "name_fi", "name_sv", "source_id", "location"
    ):
        place = Place(
            name=facility.name_fi,
            kind="facility",
            code=facility.source_id,
            point=facility.location,  # type: ignore[arg-type]
        )
        names = [facility.name_fi] + ([facility.name_sv] if facility.name_sv else [])
        entries.append((names, place))
    gazetteer = Gazetteer(entries)
    gazetteer.add_numbers(numbers)
    return gazetteer


def import_ahjo_cases(
    path: Path, *, progress: bool = True, skip_known: bool = False, force: bool = False
) -> ImportReport:
    return import_once(
        "ahjo_cases",
        path,
        lambda: _import_ahjo_cases(path, progress=progress, force=force),
        skip_known=skip_known,
    )


def _date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


@transaction.atomic
def _import_ahjo_cases(path: Path, *, progress: bool, force: bool) -> ImportReport:
    report = ImportReport(source=path.name)
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        report.reject(0, "cases", "no list of cases in the file")
        return report
    gazetteer = helsinki_gazetteer()
    given = set(
        Case.objects.filter(placement=Case.Placement.GIVEN).values_list(
            "source_id", flat=True
        )
    )
    seen: set[str] = set()
    incoming: list[Incoming] = []
    placed = 0
    for number, row in enumerate(
        tqdm(rows, desc=f"cases {path.name}", disable=not progress), start=1
    ):
        if not isinstance(row, dict):
            report.reject(number, "", "not an object")
            continue
        source_id = str(row.get("case_id") or "").strip()
        if not source_id:
            report.reject(number, "case_id", "no case id")
            continue
        if source_id in seen:
            report.reject(number, "case_id", f"{source_id} appears twice")
            continue
        title = str(row.get("title") or "").strip()
        if not title:
            report.reject(number, "title", "no title")
            continue
        status = STATUSES.get(str(row.get("status") or "").strip())
        if status is None:
            report.reject(number, "status", f"unknown status {row.get('status')!r}")
            continue
        try:
            opened_on = _date(row.get("created"))
            records = [r for r in row.get("records") or [] if isinstance(r, dict)]
            decided = [
                _date(r.get("issued"))
                for r in records
                if r.get("type") in DECISION_TYPES and r.get("issued")
            ]
        except ValueError as error:
            report.reject(number, "created", f"not a date: {error}")
            continue
        language = str(row.get("language") or "fi")
        values: dict[str, Any] = {
            "diary_number": str(row.get("case_id_label") or "").strip()[:40],
            "title_fi": title[:500] if language != "sv" else "",
            "title_sv": title[:500] if language == "sv" else "",
            "status": status,
            "department": ", ".join(row.get("sectors") or [])[:200],
            "classification": " ".join(
                str(row.get(k) or "")
                for k in ("classification_code", "classification_title")
            ).strip()[:200],
            "opened_on": opened_on,
            "decided_on": max((d for d in decided if d), default=None)
            if status == Case.Status.DECIDED
            else None,
            "links": [
                {
                    "title": r.get("title") or "",
                    "url": r.get("file_uri") or "",
                    "type": r.get("type") or "",
                    "issued": str(r.get("issued") or "")[:10],
                }
                for r in records
            ],
        }
        if not values["title_fi"]:
            # Finnish is the required title; a Swedish-only case shows its
            # Swedish title in both until it is translated.
            values["title_fi"] = values["title_sv"]
        if source_id not in given:
            mentions = gazetteer.mentions(title)
            values["place_names"] = [
                {
                    "name": m.place.name,
                    "level": m.place.kind,
                    "code": m.place.code,
                    "text": m.text,
                }
                for m in mentions
            ]
            if mentions:
                values["location"] = MultiPoint(
                    [m.place.point for m in mentions], srid=srid.STORAGE
                )
                values["placement"] = Case.Placement.GAZETTEER
                placed += 1
            else:
                values["location"] = None
                values["placement"] = Case.Placement.NONE
        seen.add(source_id)
        incoming.append(Incoming(key=(source_id,), values=values))
    sync_items(
        Case,
        key_fields=("source_id",),
        rows=incoming,
        report=report,
        scope=FROM_AHJO,
        force=force,
    )
    share = placed / len(incoming) if incoming else 0.0
    report.notes.append(
        f"{placed} of {len(incoming)} cases placed by the gazetteer "
        f"({share:.1%}); {len(incoming) - placed} unlocated"
    )
    return report
