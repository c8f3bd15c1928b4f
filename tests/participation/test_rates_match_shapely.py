"""Proposals per 1,000 residents, recomputed straight from the fixture
files (shapely point-in-polygon, the population CSV, the declared round
years) with no PostGIS and no importer, equal what the API answers."""

import csv
import math
from collections import Counter

import pytest
from shapely.geometry import shape

from tests.cases.shapely_areas import DISTRICTS, FIXTURES, Areas, load_features

pytestmark = pytest.mark.django_db

PROPOSALS = FIXTURES / "cases" / "helsinki_omastadi_proposals_rounds1-3.geojson.gz"
POPULATION = DISTRICTS / "helsinki_population_by_peruspiiri_2018-2023.csv"
ROUND_YEARS = FIXTURES / "participation" / "omastadi_round_years.csv"
# OmaStadi's "no pin" points (lon, lat): such a proposal counts only for
# the major district whose pool it competes for.
PLACEHOLDERS = {(24.940947, 60.168677), (24.93266, 60.17116)}
LEVEL_FILES = {
    "district": {"district": "helsinki_peruspiirit.geojson"},
    "major_district": {"major_district": "helsinki_suurpiirit.geojson"},
}


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def round_years():
    return {
        int(r["round"]): int(r["proposal_phase_year"]) for r in read_csv(ROUND_YEARS)
    }


def population(level, year):
    """Residents per area code; a major district's is its districts' sum."""
    found = Counter()
    for row in read_csv(POPULATION):
        if int(row["year"]) != year:
            continue
        code = row["peruspiiri_tunnus" if level == "district" else "suurpiiri_tunnus"]
        found[code] += int(row["population"])
    return found


def expected_counts(level, round_number):
    features = [
        f for f in load_features(PROPOSALS) if f["properties"]["round"] == round_number
    ]
    placed = [
        f
        for f in features
        if f["geometry"] and tuple(f["geometry"]["coordinates"]) not in PLACEHOLDERS
    ]
    counts = Counter()
    areas = Areas.of(LEVEL_FILES[level])
    for found in areas.containing([shape(f["geometry"]) for f in placed]):
        counts.update(code for _, code in found)
    if level == "major_district":
        for feature in features:
            if feature in placed:
                continue
            if code := feature["properties"]["area_scope_suurpiiri_tunnus"]:
                counts[str(code)] += 1
    return counts


@pytest.mark.parametrize("level", ["district", "major_district"])
@pytest.mark.parametrize("round_number", [1, 2, 3])
def test_proposals_per_1000_match_the_fixture_files(client, level, round_number):
    year = round_years()[round_number]
    residents = population(level, year)
    counts = expected_counts(level, round_number)

    response = client.get(
        "/api/v1/participation/",
        {"level": level, "measure": "proposals", "round": round_number},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["population_year"] == year
    rows = {row["code"]: row for row in body["results"]}
    assert len(rows) == (34 if level == "district" else 8)
    assert set(rows) == set(residents)
    for code, row in rows.items():
        assert row["count"] == counts[code], code
        assert row["population"] == residents[code], code
        assert math.isclose(
            row["per_1000"], counts[code] * 1000 / residents[code], rel_tol=1e-12
        ), code
    assert sum(counts.values()) > 300
    # Every proposal with a major district counts there exactly once.
    if level == "major_district":
        assert body["total"]["count"] == sum(counts.values())
