"""Re-importing the newer official boundaries moves exactly the items whose
answer changes (about 1.23 km2 moved from Kulosaari to Herttoniemi)."""

import numpy as np
import pytest
import shapely
from shapely.geometry import Point as ShapelyPoint

from cases.models import BudgetProposal, Case, Facility
from cases.services.cases import case_create
from districts.importers import HELSINKI_NEWER, import_area_set
from geo.points import point_at
from tests.cases.shapely_areas import (
    AREAS_2022,
    AREAS_NEWER,
    FIXTURES,
    Areas,
    expected_links,
    stored_links,
)

pytestmark = pytest.mark.django_db
MODELS = {"case": Case, "facility": Facility, "budgetproposal": BudgetProposal}


def neighbourhood(areas: Areas, code: str):
    return areas.tree.geometries[areas.keys.index(("neighbourhood", code))]


def test_reimporting_newer_boundaries_moves_exactly_the_changed_items():
    old, new = Areas.of(AREAS_2022), Areas.of(AREAS_NEWER)
    kulosaari_moved = shapely.symmetric_difference(
        neighbourhood(old, "42"), neighbourhood(new, "42")
    )
    # Cases in the land that changed hands and in a ring around it.
    rng = np.random.default_rng(20261128)
    west, south, east, north = kulosaari_moved.buffer(0.003).bounds
    inside = outside = 0
    while inside < 20 or outside < 20:
        lon = round(float(rng.uniform(west, east)), 6)
        lat = round(float(rng.uniform(south, north)), 6)
        hit = kulosaari_moved.contains(ShapelyPoint(lon, lat))
        if (hit and inside < 20) or (not hit and outside < 20):
            case_create(
                title_fi="Testitapaus rajalla", location=point_at(lon=lon, lat=lat)
            )
            inside, outside = inside + hit, outside + (not hit)

    want_before, want_after = expected_links(old), expected_links(new)
    before = {name: stored_links(model) for name, model in MODELS.items()}
    assert before == want_before

    import_area_set(FIXTURES / "districts", HELSINKI_NEWER, progress=False)

    after = {name: stored_links(model) for name, model in MODELS.items()}
    assert after == want_after
    moved = {
        n: {pk for pk in after[n] if after[n][pk] != before[n][pk]} for n in MODELS
    }
    should_move = {
        n: {pk for pk in want_after[n] if want_after[n][pk] != want_before[n][pk]}
        for n in MODELS
    }
    assert moved == should_move
    # At least the 20 cases in the land that changed hands moved, from
    # Kulosaari (42) to Herttoniemi (43).
    assert len(moved["case"]) >= 20
    switched = [
        pk
        for pk in moved["case"]
        if ("neighbourhood", "42") in before["case"][pk]
        and ("neighbourhood", "43") in after["case"][pk]
    ]
    assert len(switched) >= 20
    # Items far from every moved border kept their links untouched.
    unchanged = sum(len(after[n]) - len(moved[n]) for n in MODELS)
    assert unchanged > 5000
