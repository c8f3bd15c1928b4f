"""Official area import, driven by a declarative source mapping.

Each level of the district division is one ``AreaSource``: which file, which
property holds the code, the names and the parent's code. The sync step is
the one every importer shares (geo.sync): it refuses to delete a large
share of a level's areas unless forced, as munigeo's ``ModelSyncher``
does, so a truncated download cannot wipe the map.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q, Sum
from tqdm import tqdm

from districts.models import District, Population, SourceImport
from districts.signals import boundaries_changed
from geo.sources import (
    ImportReport,
    file_digest,
    read_rows,
    repaired,
    to_multipolygon,
)
from geo.sync import Incoming, sync_rows

Level = District.Level

# Population structure: Population field -> the statistics file's column.
STRUCTURE_COLUMNS = {
    "children_share": "Proportion of youth (0-14)",
    "elderly_share": "Proportion of elderly (65+)",
    "swedish_share": "Proportion of swedish",
    "foreign_language_share": "Proportion of foreign language",
}

# The City's English names for the major districts (hel.fi "major district").
MAJOR_DISTRICT_NAMES_EN = {
    "1": "Southern",
    "2": "Western",
    "3": "Central",
    "4": "Northern",
    "5": "North-Eastern",
    "6": "South-Eastern",
    "7": "Eastern",
    "8": "Östersundom",
}


@dataclass(frozen=True)
class AreaSource:
    level: str
    code: str = "tunnus"
    name_fi: str = "nimi_fi"
    name_sv: str | None = "nimi_se"
    full_code: str | None = None
    parent_level: str | None = None
    parent_code: str | None = None
    # Names the City writes in capitals ("ETELÄINEN") are shown title-cased.
    titlecase: bool = False
    names_en: dict[str, str] = field(default_factory=dict)
    sea_codes: frozenset[str] = frozenset()


HELSINKI_2022 = {
    "helsinki_suurpiirit.geojson": AreaSource(
        Level.MAJOR_DISTRICT,
        full_code="kokotunnus",
        titlecase=True,
        names_en=MAJOR_DISTRICT_NAMES_EN,
    ),
    "helsinki_peruspiirit.geojson": AreaSource(
        Level.DISTRICT,
        full_code="kokotunnus",
        parent_level=Level.MAJOR_DISTRICT,
        parent_code="suurpiiri_tunnus",
        titlecase=True,
    ),
    "helsinki_osa_alueet.geojson": AreaSource(
        Level.SUB_DISTRICT,
        full_code="kokotunnus",
        parent_level=Level.DISTRICT,
        parent_code="peruspiiri_tunnus",
        # Osa-alue 533 "Aluemeri" is the open sea area, as is neighbourhood
        # "Aluemeri": kept for the map, left out of lookups.
        sea_codes=frozenset({"533"}),
    ),
    "helsinki_kaupunginosat.geojson": AreaSource(
        Level.NEIGHBOURHOOD, titlecase=True, sea_codes=frozenset({"Aluemeri"})
    ),
}

# Newer official snapshots of the same levels (see fixtures/README.md).
HELSINKI_NEWER = {
    "helsinki_suurpiirit_2026_wfs.geojson": HELSINKI_2022[
        "helsinki_suurpiirit.geojson"
    ],
    "helsinki_peruspiirit_2025_wfs.geojson": AreaSource(
        Level.DISTRICT,
        name_sv=None,
        parent_level=Level.MAJOR_DISTRICT,
        parent_code="suurpiiri_tunnus",
        titlecase=True,
    ),
    "helsinki_kaupunginosat_2026_wfs.geojson": HELSINKI_2022[
        "helsinki_kaupunginosat.geojson"
    ],
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _display(name: str, titlecase: bool) -> str:
    return name.title() if titlecase and name.isupper() else name


def import_areas(
    path: Path,
    mapping: AreaSource,
    *,
    force: bool = False,
    progress: bool = True,
) -> ImportReport:
    """Create or update the areas of one level from ``path``, by code.

    All or nothing: the whole file is one transaction. Areas of the level
    that the file no longer has are deleted, unless that is more than
    ``geo.sync.MAX_DELETE_SHARE`` of them and ``force`` is off; an area that
    a forum or a child area still needs is kept and named in the report.
    """
    report = ImportReport(source=path.name)
    parents = (
        {
            d.code: d
            for d in District.objects.filter(level=mapping.parent_level).only(
                "id", "code"
            )
        }
        if mapping.parent_level
        else {}
    )
    seen: set[str] = set()
    incoming: list[Incoming] = []
    rows = read_rows(path)
    with transaction.atomic():
        for row in tqdm(
            list(rows), desc=f"{mapping.level} {path.name}", disable=not progress
        ):
            code = _text(row.properties.get(mapping.code))
            if not code:
                report.reject(row.number, mapping.code, "no code")
                continue
            if code in seen:
                report.reject(row.number, mapping.code, f"code {code} appears twice")
                continue
            name_fi = _text(row.properties.get(mapping.name_fi))
            if not name_fi:
                report.reject(row.number, mapping.name_fi, "no Finnish name")
                continue
            if row.geometry is None:
                report.reject(row.number, "geometry", "no geometry")
                continue
            geometry, problem = repaired(row.geometry)
            boundary = to_multipolygon(geometry, srid=row.srid)
            if boundary is None:
                report.reject(row.number, "geometry", "no polygon with an area")
                continue
            if problem:
                report.repairs.append(
                    f"{path.name} row {row.number} ({code}): {problem}"
                )
            parent = None
            if mapping.parent_code:
                parent_code = _text(row.properties.get(mapping.parent_code))
                parent = parents.get(parent_code)
                if parent is None:
                    report.reject(
                        row.number,
                        mapping.parent_code,
                        f"no {mapping.parent_level} with code {parent_code!r}",
                    )
                    continue
            seen.add(code)
            values = {
                "name_fi": _display(name_fi, mapping.titlecase),
                "parent": parent,
                "is_sea": code in mapping.sea_codes,
                "source": path.name,
                "boundary": boundary,
            }
            if mapping.name_sv:
                values["name_sv"] = _display(
                    _text(row.properties.get(mapping.name_sv)), mapping.titlecase
                )
            if code in mapping.names_en:
                values["name_en"] = mapping.names_en[code]
            if mapping.full_code:
                values["full_code"] = _text(row.properties.get(mapping.full_code))
            incoming.append(Incoming(key=(mapping.level, code), values=values))
        synced = sync_rows(
            District,
            key_fields=("level", "code"),
            rows=incoming,
            report=report,
            scope=Q(level=mapping.level),
            geometry="boundary",
            # A newer snapshot with the same areas changes nothing.
            bookkeeping=("source",),
            force=force,
        )
        changed_ids = synced.created + synced.moved
        if changed_ids or synced.deleted:
            boundaries_changed.send(
                sender=District, district_ids=changed_ids, level=mapping.level
            )
    return report


def import_area_set(
    folder: Path,
    mappings: dict[str, AreaSource],
    *,
    force: bool = False,
    progress: bool = True,
    skip_known: bool = False,
) -> list[ImportReport]:
    reports = []
    for filename, mapping in mappings.items():
        path = folder / filename
        reports.append(
            import_once(
                "areas",
                path,
                partial(import_areas, path, mapping, force=force, progress=progress),
                skip_known=skip_known,
            )
        )
    return reports


def import_once(
    kind: str, path: Path, run: Callable[[], ImportReport], *, skip_known: bool
) -> ImportReport:
    """Run an importer of the file at ``path`` and log it by its digest;
    with ``skip_known``, a file already imported as ``kind`` is skipped.
    Every importer of a source file goes through here, so `make run` loads
    nothing twice."""
    digest = file_digest(path)
    if skip_known and SourceImport.objects.filter(kind=kind, digest=digest).exists():
        return ImportReport(source=path.name, skipped=True)
    report = run()
    SourceImport.objects.create(
        kind=kind, source=path.name, digest=digest, report=report.as_dict()
    )
    return report


def import_population(
    path: Path, *, progress: bool = True, skip_known: bool = False
) -> ImportReport:
    return import_once(
        "population",
        path,
        lambda: _import_population(path, progress=progress),
        skip_known=skip_known,
    )


@transaction.atomic
def _import_population(path: Path, *, progress: bool) -> ImportReport:
    """Population per district and year; major districts get the sum."""
    report = ImportReport(source=path.name)
    districts = {d.code: d for d in District.objects.at_level(Level.DISTRICT)}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(
        tqdm(rows, desc=f"population {path.name}", disable=not progress), start=2
    ):
        district = districts.get((row.get("peruspiiri_tunnus") or "").strip())
        if district is None:
            report.reject(
                number,
                "peruspiiri_tunnus",
                f"no district with code {row.get('peruspiiri_tunnus')!r}",
            )
            continue
        try:
            year = int(row["year"])
        except (KeyError, ValueError):
            report.reject(number, "year", f"not a year: {row.get('year')!r}")
            continue
        try:
            count = int(float(row["population"]))
        except (KeyError, ValueError):
            report.reject(
                number, "population", f"not a number: {row.get('population')!r}"
            )
            continue
        if count < 0:
            report.reject(number, "population", "negative")
            continue
        shares: dict[str, float | None] = {}
        for name, column in STRUCTURE_COLUMNS.items():
            shares[name] = _share(row.get(column))
            if shares[name] is None and (row.get(column) or "").strip():
                # The row's other figures are still good: keep them.
                report.reject(number, column, f"not a share 0-1: {row[column]!r}")
        _, created = Population.objects.update_or_create(
            district=district, year=year, defaults={"population": count, **shares}
        )
        if created:
            report.created += 1
        else:
            report.updated += 1

    # A major district's share is its districts' population-weighted mean,
    # over the districts whose share is known.
    sums = (
        Population.objects.filter(district__level=Level.DISTRICT)
        .values("district__parent_id", "year")
        .annotate(
            total=Sum("population"),
            **{
                f"{name}_residents": Sum(F(name) * F("population"))
                for name in STRUCTURE_COLUMNS
            },
            **{
                f"{name}_known": Sum(
                    "population", filter=Q(**{f"{name}__isnull": False})
                )
                for name in STRUCTURE_COLUMNS
            },
        )
    )
    for entry in sums:
        shares = {
            name: entry[f"{name}_residents"] / entry[f"{name}_known"]
            if entry[f"{name}_known"]
            else None
            for name in STRUCTURE_COLUMNS
        }
        Population.objects.update_or_create(
            district_id=entry["district__parent_id"],
            year=entry["year"],
            defaults={"population": entry["total"], **shares},
        )
    return report


def _share(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None
