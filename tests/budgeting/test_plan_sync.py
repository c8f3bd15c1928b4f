"""The plans import syncs like every import (geo.sync)."""

import pytest

from budgeting import services
from budgeting.importers import import_omastadi_plans
from budgeting.models import Plan, Round
from districts.models import District
from geo.sync import ImportRefusedError
from tests.budgeting.test_importers import PLANS

pytestmark = pytest.mark.django_db


def test_a_plan_that_leaves_the_file_is_removed_and_a_piiri_plan_stays(tmp_path):
    import_omastadi_plans(PLANS, progress=False)
    made_here = services.plan_create(
        round_=Round.objects.get(number=3),
        title="Uusi penkki",
        cost=1000,
        area=District.objects.get(level="major_district", code="3"),
    )
    lines = PLANS.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    gone = [tuple(int(v) for v in row.split(",")[:2]) for row in rows[:20]]
    path = tmp_path / "plans.csv"
    path.write_text(header + "".join(rows[20:]), encoding="utf-8")

    report = import_omastadi_plans(path, progress=False)
    assert (report.created, report.updated, report.deleted) == (0, 0, 20)
    assert report.unchanged == 1383 - 20
    for round_number, source_id in gone:
        assert not Plan.objects.filter(
            round__number=round_number, source_id=source_id
        ).exists()
    assert Plan.objects.filter(pk=made_here.pk).exists()


def test_a_plans_file_that_would_delete_too_much_is_refused(tmp_path):
    import_omastadi_plans(PLANS, progress=False)
    lines = PLANS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "plans.csv"
    path.write_text("".join(lines[:101]), encoding="utf-8")
    # The first 100 plans are all of round 1: only that round's are at stake.
    with pytest.raises(ImportRefusedError, match="would delete 190 of 290"):
        import_omastadi_plans(path, progress=False)
    assert Plan.objects.count() == 1383
