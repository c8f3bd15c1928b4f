"""An independent answer to "which official areas is this in?", computed
with shapely straight from the fixture files (no PostGIS, no importer)."""

import gzip
import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from cases.importers.proposals import is_placeholder

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
DISTRICTS = FIXTURES / "districts"
SEA = {("sub_district", "533"), ("neighbourhood", "Aluemeri")}

AREAS_2022 = {
    "major_district": "helsinki_suurpiirit.geojson",
    "district": "helsinki_peruspiirit.geojson",
    "sub_district": "helsinki_osa_alueet.geojson",
    "neighbourhood": "helsinki_kaupunginosat.geojson",
}
# The newer snapshots replace three levels; sub-districts stay 2022.
AREAS_NEWER = {
    **AREAS_2022,
    "major_district": "helsinki_suurpiirit_2026_wfs.geojson",
    "district": "helsinki_peruspiirit_2025_wfs.geojson",
    "neighbourhood": "helsinki_kaupunginosat_2026_wfs.geojson",
}


def load_features(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["features"]


class Areas:
    _cache: dict[tuple[str, ...], "Areas"] = {}

    @classmethod
    def of(cls, files: dict[str, str]) -> "Areas":
        key = tuple(sorted(f"{k}={v}" for k, v in files.items()))
        if key not in cls._cache:
            cls._cache[key] = cls(files)
        return cls._cache[key]

    def __init__(self, files: dict[str, str]) -> None:
        self.keys: list[tuple[str, str]] = []
        geometries = []
        for level, name in files.items():
            for feature in load_features(DISTRICTS / name):
                key = (level, str(feature["properties"]["tunnus"]))
                if key in SEA:
                    continue
                self.keys.append(key)
                geometries.append(shape(feature["geometry"]))
        self.tree = shapely.STRtree(geometries)

    def containing(self, geometries: list) -> list[set[tuple[str, str]]]:
        """For each geometry, the (level, code) of the areas it intersects
        (for a point: the areas covering it)."""
        result: list[set[tuple[str, str]]] = [set() for _ in geometries]
        items, areas = self.tree.query(
            np.array(geometries, dtype=object), predicate="intersects"
        )
        for item, area in zip(items, areas, strict=True):
            result[item].add(self.keys[area])
        return result


def stored_links(model) -> dict[int, set[tuple[str, str]]]:
    """The links in the database, per item id, as (level, code)."""
    links: dict[int, set[tuple[str, str]]] = {
        pk: set() for pk in model.objects.values_list("pk", flat=True)
    }
    item = f"{model._meta.model_name}_id"
    for pk, level, code in model.areas.through.objects.values_list(
        item, "district__level", "district__code"
    ):
        links[pk].add((level, code))
    return links


def expected_links(areas: Areas) -> dict[str, dict[int, set[tuple[str, str]]]]:
    """What every stored item's links should be, per model name: playgrounds
    and proposals from the fixture files' own coordinates; cases (which
    have no geometry in their source) from their location read back as
    GeoJSON."""
    from cases.importers.helsinki import PLAYGROUNDS, PROPOSALS
    from cases.models import BudgetProposal, Facility
    from cases.selectors import case_list, geometry_of

    result: dict[str, dict[int, set[tuple[str, str]]]] = {}

    facilities = load_features(FIXTURES / PLAYGROUNDS)
    ids = dict(Facility.objects.values_list("source_id", "pk"))
    answers = areas.containing([shape(f["geometry"]) for f in facilities])
    result["facility"] = {
        ids[str(f["properties"]["unit_id"])]: want
        for f, want in zip(facilities, answers, strict=True)
    }

    proposals = load_features(FIXTURES / PROPOSALS)
    ids = {
        (r, s): pk
        for r, s, pk in BudgetProposal.objects.values_list("round", "source_id", "pk")
    }
    # OmaStadi's placeholder points are no place (cases.importers.proposals).
    placed = {
        id(f)
        for f in proposals
        if f["geometry"] and not is_placeholder(*f["geometry"]["coordinates"])
    }
    located = [f for f in proposals if id(f) in placed]
    answers = areas.containing([shape(f["geometry"]) for f in located])
    by_feature = {id(f): want for f, want in zip(located, answers, strict=True)}
    result["budgetproposal"] = {}
    for feature in proposals:
        props = feature["properties"]
        pk = ids[(props["round"], str(props["proposal_id"]))]
        if id(feature) in placed:
            want = by_feature[id(feature)]
        elif props["area_scope_suurpiiri_tunnus"]:
            # Without a point: the major district it competes in, only.
            want = {("major_district", props["area_scope_suurpiiri_tunnus"])}
        else:
            want = set()  # city-wide and unplaced
        result["budgetproposal"][pk] = want

    cases = list(case_list())
    located_cases = [c for c in cases if c.geojson]
    answers = areas.containing([shape(geometry_of(c)) for c in located_cases])
    result["case"] = {c.pk: set() for c in cases}
    result["case"].update(
        {c.pk: want for c, want in zip(located_cases, answers, strict=True)}
    )
    return result
