"""Facilities from any OGR source (GeoJSON, GeoPackage, Shapefile) or a CSV
with lon/lat columns, through a declared field mapping.

A mapping names, for each Facility field, the source property that holds
it, and how the source's service type becomes a ``Facility.Kind``. Units
are matched on (register, id), so re-importing a file updates in place,
and a unit the file no longer has is deleted from that register's
facilities (geo.sync: guarded, ``force`` to delete more).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from cases.importers.sync import ogr_path, sync_items
from cases.models import Facility
from districts.importers import import_once
from geo import srid
from geo.sources import ImportReport, read_rows, to_geos
from geo.sync import Incoming

Kind = Facility.Kind

TEXT_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "address_fi",
    "address_sv",
    "accessibility",
    "booking_url",
)
TRUE_WORDS = {"1", "true", "yes", "kyllä", "ja", "t", "y"}
FALSE_WORDS = {"", "0", "false", "no", "ei", "nej", "f", "n"}


@dataclass(frozen=True)
class FacilitySource:
    """How one source's properties become Facility fields."""

    register: str  # stored as Facility.source, e.g. "tpr"
    source_id: str  # property holding the unit's id in the register
    fields: dict[str, str]  # Facility field -> source property (TEXT_FIELDS)
    kind_field: str | None = None  # property holding the service type
    kinds: dict[str, str] = field(default_factory=dict)  # type -> Kind
    default_kind: str | None = None  # when the type is not in ``kinds``
    bookable_field: str | None = None  # property saying "may be booked"
    layer: str | None = None  # GeoPackage layer
    lon_field: str | None = None  # CSV coordinate columns
    lat_field: str | None = None
    source_srid: int = srid.GEOJSON


# The City's service map (TPR units via kartta.hel.fi): playgrounds (70)
# and supervised playparks (69) in helsinki_playgrounds.geojson.
HELSINKI_PLAYGROUNDS = FacilitySource(
    register="tpr",
    source_id="unit_id",
    fields={
        "name_fi": "name_fi",
        "name_sv": "name_sv",
        "name_en": "name_en",
        "address_fi": "address_fi",
        "address_sv": "address_sv",
    },
    kind_field="service_type_id",
    kinds={"69": Kind.PLAYPARK, "70": Kind.PLAYGROUND},
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_facilities(
    path: Path,
    mapping: FacilitySource = HELSINKI_PLAYGROUNDS,
    *,
    progress: bool = True,
    skip_known: bool = False,
    force: bool = False,
) -> ImportReport:
    return import_once(
        "facilities",
        path,
        lambda: _import_facilities(path, mapping, progress=progress, force=force),
        skip_known=skip_known,
    )


@transaction.atomic
def _import_facilities(
    path: Path, mapping: FacilitySource, *, progress: bool, force: bool
) -> ImportReport:
    report = ImportReport(source=path.name)
    rows = read_rows(
        ogr_path(path),
        layer=mapping.layer,
        lon_field=mapping.lon_field,
        lat_field=mapping.lat_field,
        source_srid=mapping.source_srid,
    )
    seen: set[str] = set()
    incoming: list[Incoming] = []
    check_url = URLValidator(schemes=["http", "https"])
    for row in tqdm(list(rows), desc=f"facilities {path.name}", disable=not progress):
        props = row.properties
        unit_id = _text(props.get(mapping.source_id))
        if not unit_id:
            report.reject(row.number, mapping.source_id, "no id")
            continue
        if unit_id in seen:
            report.reject(row.number, mapping.source_id, f"id {unit_id} appears twice")
            continue
        values: dict[str, Any] = {
            name: _text(props.get(source)) for name, source in mapping.fields.items()
        }
        if not values.get("name_fi"):
            report.reject(
                row.number, mapping.fields.get("name_fi", "name_fi"), "no Finnish name"
            )
            continue
        kind = _kind(props, mapping)
        if kind is None:
            report.reject(
                row.number,
                mapping.kind_field or "kind",
                f"service type {_text(props.get(mapping.kind_field or ''))!r} "
                "maps to no facility kind",
            )
            continue
        if row.geometry is None:
            report.reject(row.number, "geometry", "no location")
            continue
        if row.geometry.geom_type != "Point":
            report.reject(
                row.number, "geometry", f"a {row.geometry.geom_type}, not a point"
            )
            continue
        if values.get("booking_url"):
            try:
                check_url(values["booking_url"])
            except ValidationError:
                report.reject(
                    row.number, mapping.fields["booking_url"], "not a web address"
                )
                continue
        if mapping.bookable_field:
            flag = _text(props.get(mapping.bookable_field)).lower()
            if flag not in TRUE_WORDS | FALSE_WORDS:
                report.reject(
                    row.number, mapping.bookable_field, f"not yes/no: {flag!r}"
                )
                continue
            values["is_bookable"] = flag in TRUE_WORDS
        seen.add(unit_id)
        values["kind"] = kind
        values["source_type"] = _text(props.get(mapping.kind_field or ""))
        values["location"] = to_geos(row.geometry, srid=row.srid)
        incoming.append(Incoming(key=(mapping.register, unit_id), values=values))
    sync_items(
        Facility,
        key_fields=("source", "source_id"),
        rows=incoming,
        report=report,
        scope=Q(source=mapping.register),
        force=force,
    )
    return report


def _kind(props: dict[str, Any], mapping: FacilitySource) -> str | None:
    if mapping.kind_field is None:
        return mapping.default_kind
    value = _text(props.get(mapping.kind_field))
    return mapping.kinds.get(value, mapping.default_kind)
