import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from budgeting.importers import import_omastadi_plans
from budgeting.models import Plan, Round, Tally
from cases.models import BudgetProposal
from districts.models import District
from tests import places

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "budgeting"
PLANS = FIXTURES / "helsinki_omastadi_plans_rounds1-3.csv"
BROKEN = FIXTURES / "broken" / "helsinki_omastadi_plans_broken.csv"


def source_rows():
    with PLANS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_real_rounds_plans_costs_and_recorded_winners(client):
    report = import_omastadi_plans(PLANS, progress=False)
    assert report.created == 1383 and not report.rejected

    counts = Counter(Plan.objects.values_list("round__number", flat=True))
    assert counts == {1: 290, 2: 395, 3: 698}
    winners = Counter(Plan.objects.selected().values_list("round__number", flat=True))
    assert winners == {1: 43, 2: 75, 3: 45}

    expected = defaultdict(int)
    for row in source_rows():
        if row["selected"] == "True":
            expected[int(row["round"])] += int(float(row["budget_eur"]))
    for number, total in expected.items():
        plans = Plan.objects.selected().filter(round__number=number)
        assert sum(plans.values_list("cost", flat=True)) == total
    # Totals named in SOURCES.md: about 4.19, 8.69 and 8.72 million euros.
    assert [round(expected[n] / 1e6, 2) for n in (1, 2, 3)] == [4.19, 8.69, 8.72]

    round_one = Round.objects.get(number=1)
    assert round_one.total_amount is None
    assert not Tally.objects.exists()
    pools = client.get("/api/v1/budgeting/rounds/1/results").json()["pools"]
    assert sum(len([p for p in pool["plans"] if p["selected"]]) for pool in pools) == 43
    assert all(pool["tallies"] == {} for pool in pools)
    assert {
        p["result_source"] for pool in pools for p in pool["plans"] if p["selected"]
    } == {"recorded"}
    city_wide = next(pool for pool in pools if pool["area"] == "city-wide")
    assert len(city_wide["plans"]) == 60

    again = import_omastadi_plans(PLANS, progress=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1383)


def test_broken_rows_are_reported_and_good_ones_kept():
    report = import_omastadi_plans(BROKEN, progress=False)
    assert report.created == 1
    assert sorted((r.row, r.field) for r in report.rejected) == [
        (3, "budget_eur"),
        (4, "area_scope_suurpiiri_tunnus"),
        (5, "selected"),
        (6, "budget_eur"),
    ]
    assert Plan.objects.get().source_id == 2


def test_plans_link_their_proposals_and_take_their_points():
    northern = District.objects.get(level="major_district", code="4")
    for source_id, title, point in [
        ("328", "Outdoor gym", places.MALMI_AIRPORT),
        ("941", "Benches by the river", places.ITAKESKUS_METRO),
    ]:
        # The real proposals 328 and 941 of round 1 are in the session data;
        # they are given known titles and points here.
        BudgetProposal.objects.update_or_create(
            round=1,
            source_id=source_id,
            defaults={
                "title": title,
                "scope": "district",
                "district": northern,
                "location": point,
            },
        )
    import_omastadi_plans(BROKEN, progress=False)
    plan = Plan.objects.get(round__number=1, source_id=2)
    assert sorted(plan.proposals.values_list("source_id", flat=True)) == ["328", "941"]
    assert plan.title == "Outdoor gym / Benches by the river"
    assert plan.location.geom_type == "MultiPoint" and len(plan.location) == 2
