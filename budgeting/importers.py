"""OmaStadi's real plans (rounds 1-3): cost, pool and the recorded winners.

The open data has no vote counts, so none are made up: a plan's ``selected``
is the City's recorded result (``result_source = recorded``) and the rounds
get no tallies. It has no announced budgets either, so imported rounds have
no total amount. Each plan is linked to the proposals it merged (imported by
``cases``) and placed at their points. Plans sync like every import
(geo.sync): a plan the file no longer has is deleted, within the guard.

The rounds themselves come first (``import_omastadi_rounds``, from the
round numbers of the same file): a proposal belongs to a round that exists.
"""

import csv
from collections.abc import Iterable
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPoint
from django.db import models, transaction
from django.db.models import Q
from tqdm import tqdm

from budgeting.models import Plan, Round
from cases.models import BudgetProposal
from districts.importers import import_once
from districts.models import District
from geo.sources import ImportReport
from geo.sync import Incoming, sync_rows

CITY_WIDE_SCOPE = "Helsingin yhteinen"
SELECTED = {"True": True, "False": False}


def import_omastadi_rounds(path: Path) -> ImportReport:
    """The rounds the plans file names, each created once; idempotent."""
    report = ImportReport(source=path.name)
    with path.open(newline="", encoding="utf-8") as handle:
        numbers = set()
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                numbers.add(int(row["round"]))
            except (KeyError, TypeError, ValueError):
                report.reject(number, "round", "not a whole number")
    rounds = omastadi_rounds(numbers)
    report.created = sum(created for _, created in rounds.values())
    report.unchanged = len(rounds) - report.created
    return report


def omastadi_rounds(numbers: Iterable[int]) -> dict[int, tuple[Round, bool]]:
    """Each numbered round, and whether it was created now."""
    return {
        number: Round.objects.get_or_create(
            number=number, defaults={"name": f"OmaStadi, round {number}"}
        )
        for number in sorted(numbers)
    }


def import_omastadi_plans(
    path: Path, *, progress: bool = True, skip_known: bool = False, force: bool = False
) -> ImportReport:
    report = import_once(
        "omastadi_plans",
        path,
        lambda: _import_plans(path, progress=progress, force=force),
        skip_known=skip_known,
    )
    # Proposals may be imported after the plans: linking is cheap and
    # idempotent, so it runs every time.
    linked = plans_link_proposals()
    report.notes.append(f"{linked} plan-proposal links in place")
    return report


@transaction.atomic
def _import_plans(path: Path, *, progress: bool, force: bool) -> ImportReport:
    report = ImportReport(source=path.name)
    majors = {
        d.code: d for d in District.objects.at_level(District.Level.MAJOR_DISTRICT)
    }
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    parsed = [
        found
        for number, row in enumerate(
            tqdm(rows, desc=f"plans {path.name}", disable=not progress), start=2
        )
        if (found := _parse(row, number, majors, report)) is not None
    ]
    rounds = {
        number: round_
        for number, (round_, _) in omastadi_rounds(n for n, _, _ in parsed).items()
    }
    sync_rows(
        Plan,
        key_fields=("round_id", "source_id"),
        rows=[
            Incoming(key=(rounds[number].pk, source_id), values=fields)
            for number, source_id, fields in parsed
        ],
        report=report,
        # The City's plans of the rounds in the file; plans made in Piiri
        # have no OmaStadi id and results of their own.
        scope=Q(
            round__in=rounds.values(),
            source_id__isnull=False,
            result_source=Plan.ResultSource.RECORDED,
        ),
        force=force,
    )
    return report


def _parse(
    row: dict[str, str],
    number: int,
    majors: dict[str, District],
    report: ImportReport,
) -> tuple[int, int, dict[str, object]] | None:
    try:
        round_number = int(row["round"])
        source_id = int(row["plan_id"])
    except (KeyError, TypeError, ValueError):
        report.reject(number, "round/plan_id", "not a whole number")
        return None
    try:
        cost = float(row["budget_eur"])
    except (KeyError, TypeError, ValueError):
        report.reject(number, "budget_eur", f"not a number: {row.get('budget_eur')!r}")
        return None
    if cost <= 0 or cost != int(cost):
        report.reject(number, "budget_eur", f"not a positive whole euro sum: {cost}")
        return None
    selected = SELECTED.get((row.get("selected") or "").strip())
    if selected is None:
        report.reject(number, "selected", f"not True/False: {row.get('selected')!r}")
        return None
    code = (row.get("area_scope_suurpiiri_tunnus") or "").strip()
    scope = (row.get("area_scope") or "").strip()
    area = majors.get(code)
    if code and area is None:
        report.reject(
            number, "area_scope_suurpiiri_tunnus", f"no major district {code!r}"
        )
        return None
    if not code and scope != CITY_WIDE_SCOPE:
        report.reject(number, "area_scope", f"no major district code for {scope!r}")
        return None
    return (
        round_number,
        source_id,
        {
            "cost": int(cost),
            "selected": selected,
            "result_source": Plan.ResultSource.RECORDED,
            "area_id": area.pk if area else None,
            "on_ballot": True,
            "source_proposal_ids": list(
                p.strip()
                for p in (row.get("linked_proposal_ids") or "").split(";")
                if p.strip()
            ),
        },
    )


def plans_link_proposals() -> int:
    """Link each plan to the proposals its source lists, and place and name
    it after them. Returns the number of links."""
    links = 0
    through = Plan.proposals.through
    for round_ in Round.objects.filter(
        plans__source_proposal_ids__len__gt=0
    ).distinct():
        with transaction.atomic():
            links += _link_round(round_, through)
    return links


def _link_round(round_: Round, through: type[models.Model]) -> int:
    proposals = {
        p.source_id: p
        for p in BudgetProposal.objects.filter(round=round_.number).only(
            "id", "source_id", "title", "location"
        )
    }
    plans = list(round_.plans.exclude(source_proposal_ids=[]))
    through._default_manager.filter(plan__round=round_).delete()
    rows = []
    changed = []
    for plan in plans:
        found = [proposals[s] for s in plan.source_proposal_ids if s in proposals]
        rows += [through(plan_id=plan.pk, budgetproposal_id=p.pk) for p in found]
        location = _place(p.location for p in found if p.location is not None)
        title = " / ".join(p.title for p in found)[:300]
        if (plan.location, plan.title) != (location, title):
            plan.location, plan.title = location, title
            changed.append(plan)
    through._default_manager.bulk_create(rows)
    Plan.objects.bulk_update(changed, ["location", "title"], batch_size=500)
    return len(rows)


def _place(geometries: Iterable[GEOSGeometry]) -> GEOSGeometry | None:
    """One point, or the points of all merged proposals that have one."""
    points = [g if g.geom_type == "Point" else g.point_on_surface for g in geometries]
    if not points:
        return None
    if len(points) == 1:
        return points[0]
    return MultiPoint(points, srid=points[0].srid)
