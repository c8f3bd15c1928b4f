import csv
import subprocess

import pytest

from cases.importers.ahjo import import_ahjo_cases
from cases.importers.facilities import (
    HELSINKI_PLAYGROUNDS,
    FacilitySource,
    import_facilities,
)
from cases.importers.helsinki import AHJO_CASES, PLAYGROUNDS, PROPOSALS
from cases.importers.proposals import import_proposals
from cases.models import BudgetProposal, Case, Facility
from tests.cases.shapely_areas import FIXTURES, load_features, stored_links

pytestmark = pytest.mark.django_db


def test_the_real_items_are_loaded():
    assert Facility.objects.count() == 307
    assert Facility.objects.filter(kind="playpark").count() == 67
    assert Facility.objects.filter(kind="playground").count() == 240
    assert BudgetProposal.objects.count() == 4403
    assert BudgetProposal.objects.exclude(location=None).count() == 3339 - 655
    assert Case.objects.count() == 928
    hilleri = Facility.objects.get(source="tpr", source_id="199")
    assert (hilleri.name_fi, hilleri.name_sv, hilleri.address_fi) == (
        "Leikkipuisto Hilleri",
        "Lekparken Illern",
        "Hillerikuja 6, 00800 Helsinki",
    )


def test_citywide_proposals_have_no_district_and_others_their_major_district():
    citywide = BudgetProposal.objects.filter(scope="citywide")
    assert citywide.count() == 678
    assert not citywide.exclude(district=None).exists()
    itainen = BudgetProposal.objects.filter(district__code="7")
    assert itainen.count() == 609
    proposal = BudgetProposal.objects.get(round=1, source_id="99")
    assert proposal.title == "Kokostadin energiaremppa"
    assert proposal.status == "withdrawn"


def test_proposal_statuses_follow_omastadi_states_and_plans():
    counts = {
        status: BudgetProposal.objects.filter(status=status).count()
        for status in ("withdrawn", "rejected")
    }
    assert counts == {"withdrawn": 48, "rejected": 1323}
    features = load_features(FIXTURES / PROPOSALS)
    selected = sum(
        1
        for f in features
        if f["properties"]["state"] == "accepted"
        and f["properties"]["any_linked_plan_selected"]
    )
    assert BudgetProposal.objects.filter(status="selected").count() == selected > 0


def test_reimporting_the_real_files_changes_nothing():
    before = {m: stored_links(m) for m in (Case, Facility, BudgetProposal)}
    stamps = dict(Case.objects.values_list("pk", "updated_at"))
    reports = [
        import_facilities(FIXTURES / PLAYGROUNDS, progress=False),
        import_proposals(FIXTURES / PROPOSALS, progress=False),
        import_ahjo_cases(FIXTURES / AHJO_CASES, progress=False),
    ]
    assert [(r.created, r.updated, r.unchanged) for r in reports] == [
        (0, 0, 307),
        (0, 0, 4403),
        (0, 0, 928),
    ]
    assert {m: stored_links(m) for m in before} == before
    assert dict(Case.objects.values_list("pk", "updated_at")) == stamps
    assert (
        "2684 proposals with a point, 1719 without (655 on OmaStadi's "
        "placeholder points, taken as none)"
    ) in reports[1].notes


def test_skip_known_skips_a_file_already_imported():
    report = import_facilities(FIXTURES / PLAYGROUNDS, skip_known=True, progress=False)
    assert report.skipped


def test_broken_rows_are_reported_and_good_rows_kept():
    Facility.objects.all().delete()
    report = import_facilities(
        FIXTURES / "facilities" / "broken" / "helsinki_playgrounds_broken.geojson",
        progress=False,
    )
    assert report.created == 1
    rejected = [(r.row, r.field) for r in report.rejected]
    assert rejected == [
        (2, "unit_id"),
        (3, "unit_id"),
        (4, "service_type_id"),
        (5, "geometry"),
        (6, "name_fi"),
    ]
    assert "appears twice" in report.rejected[1].reason
    assert "999" in report.rejected[2].reason
    assert Facility.objects.get().name_fi == "Leikkipuisto Hilleri"


def test_a_moved_facility_is_updated_and_relinked(tmp_path):
    features = load_features(FIXTURES / PLAYGROUNDS)
    hilleri = next(f for f in features if f["properties"]["unit_id"] == 199)
    # To the railway station: Kluuvi instead of Länsi-Herttoniemi.
    hilleri["geometry"]["coordinates"] = [24.9414, 60.1710]
    hilleri["properties"]["name_en"] = "Playground Hilleri (moved)"
    path = tmp_path / "moved.geojson"
    import json

    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = import_facilities(path, progress=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 306)
    facility = Facility.objects.get(source_id="199")
    codes = set(facility.areas.values_list("level", "code"))
    assert ("sub_district", "020") in codes and ("sub_district", "431") not in codes


def test_facilities_from_a_csv_with_lon_lat_and_from_a_geopackage(tmp_path):
    Facility.objects.all().delete()
    features = load_features(FIXTURES / PLAYGROUNDS)[:5]
    path = tmp_path / "playgrounds.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "nimi", "tyyppi", "lon", "lat", "varattavissa"])
        for number, f in enumerate(features):
            lon, lat = f["geometry"]["coordinates"]
            writer.writerow(
                [
                    f["properties"]["unit_id"],
                    f["properties"]["name_fi"],
                    "leikkipuisto",
                    lon,
                    lat,
                    "kyllä" if number % 2 else "ei",
                ]
            )
        writer.writerow(["1", "Ilman paikkaa", "leikkipuisto", "", "", "ei"])
    mapping = FacilitySource(
        register="csv",
        source_id="id",
        fields={"name_fi": "nimi"},
        kind_field="tyyppi",
        kinds={"leikkipuisto": "playground"},
        bookable_field="varattavissa",
        lon_field="lon",
        lat_field="lat",
    )
    report = import_facilities(path, mapping, progress=False)
    assert report.created == 5
    assert [(r.row, r.field) for r in report.rejected] == [(6, "geometry")]
    assert Facility.objects.filter(source="csv", is_bookable=True).count() == 2

    gpkg = tmp_path / "playgrounds.gpkg"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:3067",
            "-nln",
            "leikkipaikat",
            str(gpkg),
            str(FIXTURES / PLAYGROUNDS),
        ],
        check=True,
    )
    from dataclasses import replace

    report = import_facilities(
        gpkg,
        replace(HELSINKI_PLAYGROUNDS, register="gpkg", layer="leikkipaikat"),
        progress=False,
    )
    assert report.created == 307
    hilleri = Facility.objects.get(source="gpkg", source_id="199")
    assert ("sub_district", "431") in set(hilleri.areas.values_list("level", "code"))
