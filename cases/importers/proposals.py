"""OmaStadi participatory-budgeting proposals (rounds 1-3).

A proposal competes for the budget of the major district its area scope
names; "Helsingin yhteinen" proposals compete for the city-wide pool and
have no district (``BudgetProposal.Scope.CITYWIDE``). Proposals without a
point are imported too: they belong to their district only. Matched on
(round, proposal id), so the plans importer can link to them and a
re-import updates in place; an OmaStadi proposal the file no longer has is
deleted (geo.sync: guarded, ``force`` to delete more). Proposals residents
make in Piiri have no OmaStadi id and are never touched. A proposal belongs
to a round that exists: rounds come first
(``budgeting.importers.import_omastadi_rounds``), and a row naming another
round is rejected.
"""

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from tqdm import tqdm

from cases.importers.sync import ogr_path, sync_items
from cases.models import BudgetProposal
from districts.importers import import_once
from districts.models import District
from geo import srid
from geo.sources import ImportReport, read_rows, to_geos
from geo.sync import Incoming

Status = BudgetProposal.Status
CITYWIDE_SCOPE = "Helsingin yhteinen"
# The proposals that came from OmaStadi: its ids are numbers; a proposal
# made in Piiri has a "piiri-..." id.
FROM_OMASTADI = Q(source_id__regex=r"^[0-9]+$")
# OmaStadi's default map points (lon, lat, WGS84): a proposal left there
# was never placed by its author, so it is imported without a point.
PLACEHOLDER_POINTS = {(24.940947, 60.168677), (24.93266, 60.17116)}


def is_placeholder(lon: float, lat: float) -> bool:
    return (round(lon, 6), round(lat, 6)) in PLACEHOLDER_POINTS


def proposal_status(state: str, n_plans: int, any_plan_selected: bool) -> str | None:
    """OmaStadi's screening state and the fate of the plans made from the
    proposal, as one status. None for a state OmaStadi does not have."""
    if state == "withdrawn":
        return Status.WITHDRAWN
    if state == "rejected":
        return Status.REJECTED
    if state != "accepted":
        return None
    if any_plan_selected:
        return Status.SELECTED
    # Plans are what goes to the vote: a proposal made into a plan was on
    # the ballot and, with no plan selected, lost.
    return Status.NOT_SELECTED if n_plans else Status.SCREENED


def import_proposals(
    path: Path, *, progress: bool = True, skip_known: bool = False, force: bool = False
) -> ImportReport:
    return import_once(
        "proposals",
        path,
        lambda: _import_proposals(path, progress=progress, force=force),
        skip_known=skip_known,
    )


def known_rounds() -> set[int]:
    """The numbers of the rounds that exist. The foreign key knows the
    table: cases sits below budgeting and does not import it."""
    field = BudgetProposal._meta.get_field("round")
    rounds = field.related_model._default_manager  # type: ignore[union-attr]
    return set(rounds.values_list(field.target_field.attname, flat=True))


def _int(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


@transaction.atomic
def _import_proposals(path: Path, *, progress: bool, force: bool) -> ImportReport:
    report = ImportReport(source=path.name)
    majors = {
        d.code: d for d in District.objects.at_level(District.Level.MAJOR_DISTRICT)
    }
    rounds = known_rounds()
    seen: set[tuple[int, str]] = set()
    incoming: list[Incoming] = []
    located = 0
    placeholders = 0
    for row in tqdm(
        list(read_rows(ogr_path(path))),
        desc=f"proposals {path.name}",
        disable=not progress,
    ):
        props = row.properties
        round_ = _int(props.get("round"))
        if round_ is None or round_ < 1:
            report.reject(row.number, "round", f"not a round: {props.get('round')!r}")
            continue
        if round_ not in rounds:
            report.reject(row.number, "round", f"no budgeting round {round_}")
            continue
        source_id = _int(props.get("proposal_id"))
        if source_id is None:
            report.reject(row.number, "proposal_id", "no proposal id")
            continue
        key = (round_, str(source_id))
        if key in seen:
            report.reject(row.number, "proposal_id", f"{key} appears twice")
            continue
        title = (props.get("title") or "").strip()
        if not title:
            report.reject(row.number, "title", "no title")
            continue
        values: dict[str, Any] = {
            "title": title[:500],
            "description": (props.get("text") or "").strip(),
        }
        scope = (props.get("area_scope") or "").strip()
        if scope == CITYWIDE_SCOPE:
            values["scope"] = BudgetProposal.Scope.CITYWIDE
            values["district"] = None
        else:
            code = str(props.get("area_scope_suurpiiri_tunnus") or "").strip()
            if code not in majors:
                report.reject(
                    row.number,
                    "area_scope",
                    f"{scope!r} is no major district and not city-wide",
                )
                continue
            values["scope"] = BudgetProposal.Scope.DISTRICT
            values["district"] = majors[code]
        status = proposal_status(
            (props.get("state") or "").strip(),
            _int(props.get("n_linked_plans")) or 0,
            bool(props.get("any_linked_plan_selected")),
        )
        if status is None:
            report.reject(row.number, "state", f"unknown state {props.get('state')!r}")
            continue
        values["status"] = status
        values["location"] = None
        if row.geometry is not None:
            if row.geometry.geom_type != "Point":
                report.reject(
                    row.number, "geometry", f"a {row.geometry.geom_type}, not a point"
                )
                continue
            point = to_geos(row.geometry, srid=row.srid)
            wgs84 = point.transform(srid.GEOJSON, clone=True)
            lon, lat = wgs84.x, wgs84.y  # type: ignore[attr-defined]
            if is_placeholder(lon, lat):
                placeholders += 1
            else:
                values["location"] = point
                located += 1
        seen.add(key)
        incoming.append(Incoming(key=key, values=values))
    sync_items(
        BudgetProposal,
        key_fields=("round_id", "source_id"),
        rows=incoming,
        report=report,
        scope=FROM_OMASTADI,
        force=force,
    )
    report.notes.append(
        f"{located} proposals with a point, {len(incoming) - located} without "
        f"({placeholders} on OmaStadi's placeholder points, taken as none)"
    )
    return report
