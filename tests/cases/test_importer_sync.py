"""Every item importer syncs: what leaves the source file leaves the map,
within the deletion guard, and what residents made in Piiri stays."""

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from cases.importers.ahjo import import_ahjo_cases
from cases.importers.facilities import import_facilities
from cases.importers.helsinki import AHJO_CASES, PLAYGROUNDS, PROPOSALS
from cases.importers.proposals import import_proposals
from cases.models import BudgetProposal, Case, Facility
from cases.services.cases import case_create
from cases.services.proposals import proposal_create
from forums.services import forum_create, meeting_create
from geo.sync import ImportRefusedError
from tests.cases.shapely_areas import FIXTURES, load_features
from tests.places import RAILWAY_STATION

pytestmark = pytest.mark.django_db


def playgrounds_without(tmp_path, count, *, rename=None):
    """The real playground file less its first ``count`` units; returns
    the file and the ids left out."""
    features = load_features(FIXTURES / PLAYGROUNDS)
    gone = [str(f["properties"]["unit_id"]) for f in features[:count]]
    kept = features[count:]
    if rename:
        kept[0]["properties"]["name_fi"] = rename
    path = tmp_path / "playgrounds.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": kept}))
    return path, gone, str(kept[0]["properties"]["unit_id"])


def test_a_facility_that_leaves_its_source_file_is_removed_on_reimport(tmp_path):
    other_register = Facility.objects.create(
        source="csv", source_id="1", kind="playground", name_fi="Muualta"
    )
    path, gone, _ = playgrounds_without(tmp_path, 3)
    report = import_facilities(path, progress=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 304)
    assert report.deleted == 3
    assert "3 deleted" in report.summary()
    assert not Facility.objects.filter(source="tpr", source_id__in=gone).exists()
    assert Facility.objects.filter(source="tpr").count() == 304
    # Another register's units are not this file's to delete.
    assert Facility.objects.filter(pk=other_register.pk).exists()


def test_a_file_that_would_remove_more_than_the_guard_allows_is_refused(tmp_path):
    path, gone, renamed = playgrounds_without(tmp_path, 40, rename="Uusi nimi")
    before = dict(Facility.objects.values_list("source_id", "name_fi"))
    with pytest.raises(ImportRefusedError, match="would delete 40 of 307"):
        import_facilities(path, progress=False)
    # Nothing changed: no deletion and not the rename either.
    assert dict(Facility.objects.values_list("source_id", "name_fi")) == before
    with pytest.raises(CommandError, match="refusing without --force"):
        call_command("import_facilities", str(path))

    report = import_facilities(path, progress=False, force=True)
    assert (report.deleted, report.updated, report.unchanged) == (40, 1, 266)
    assert Facility.objects.get(source_id=renamed).name_fi == "Uusi nimi"
    assert not Facility.objects.filter(source_id__in=gone).exists()


def test_reimporting_the_same_file_deletes_nothing():
    counts = {m: m.objects.count() for m in (Case, Facility, BudgetProposal)}
    reports = [
        import_facilities(FIXTURES / PLAYGROUNDS, progress=False),
        import_proposals(FIXTURES / PROPOSALS, progress=False),
        import_ahjo_cases(FIXTURES / AHJO_CASES, progress=False),
    ]
    assert [(r.created, r.updated, r.deleted) for r in reports] == [(0, 0, 0)] * 3
    assert {m: m.objects.count() for m in counts} == counts


def test_a_case_that_leaves_ahjo_is_removed_and_a_residents_case_stays(tmp_path):
    resident_case = case_create(title_fi="Penkki rikki", location=RAILWAY_STATION)
    data = json.loads((FIXTURES / AHJO_CASES).read_text(encoding="utf-8"))
    gone = [row["case_id"] for row in data["cases"][:5]]
    data["cases"] = data["cases"][5:]
    path = tmp_path / "ahjo.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_ahjo_cases(path, progress=False)
    assert (report.deleted, report.created, report.updated) == (5, 0, 0)
    assert not Case.objects.filter(source_id__in=gone).exists()
    assert Case.objects.filter(pk=resident_case.pk).exists()


def test_a_proposal_that_leaves_omastadi_is_removed_and_a_piiri_one_stays(tmp_path):
    made_here = proposal_create(round=3, title="Uusi penkki", district=None)
    with gzip.open(FIXTURES / PROPOSALS, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    gone = [
        (f["properties"]["round"], str(f["properties"]["proposal_id"]))
        for f in data["features"][:10]
    ]
    data["features"] = data["features"][10:]
    path = tmp_path / "proposals.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_proposals(path, progress=False)
    assert (report.deleted, report.created, report.updated) == (10, 0, 0)
    for round_, source_id in gone:
        assert not BudgetProposal.objects.filter(
            round=round_, source_id=source_id
        ).exists()
    assert BudgetProposal.objects.filter(pk=made_here.pk).exists()


def test_a_facility_a_meeting_is_held_at_is_kept_and_named(tmp_path, city_admin):
    path, gone, _ = playgrounds_without(tmp_path, 2)
    venue = Facility.objects.get(source="tpr", source_id=gone[0])
    forum = forum_create(
        actor=city_admin,
        area=venue.areas.get(level="district"),
        title="Asukasfoorumi",
    )
    starts = datetime(2026, 3, 1, 17, tzinfo=UTC)
    meeting_create(
        actor=city_admin,
        forum=forum,
        title="Kevätkokous",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_facility=venue,
    )
    report = import_facilities(path, progress=False)
    assert report.deleted == 1
    assert not Facility.objects.filter(source_id=gone[1]).exists()
    assert Facility.objects.filter(pk=venue.pk).exists()
    assert [n for n in report.notes if n.startswith("kept")] == [
        f"kept {venue}: it left playgrounds.geojson, but other records must "
        "keep referring to it"
    ]
