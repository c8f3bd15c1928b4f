from pathlib import Path

from cases.importers.ahjo import import_ahjo_cases
from cases.importers.facilities import HELSINKI_PLAYGROUNDS, import_facilities
from cases.importers.proposals import import_proposals
from geo.sources import ImportReport

PLAYGROUNDS = Path("facilities") / "helsinki_playgrounds.geojson"
PROPOSALS = Path("cases") / "helsinki_omastadi_proposals_rounds1-3.geojson.gz"
AHJO_CASES = Path("cases") / "helsinki_ahjo_cases_2022.json"


def import_helsinki_items(
    fixtures: Path,
    *,
    progress: bool = True,
    skip_known: bool = False,
    force: bool = False,
) -> list[ImportReport]:
    """The real facilities, proposals and cases, after the areas. Facilities
    come first: the case gazetteer knows their names."""
    options = {"progress": progress, "skip_known": skip_known, "force": force}
    return [
        import_facilities(fixtures / PLAYGROUNDS, HELSINKI_PLAYGROUNDS, **options),
        import_proposals(fixtures / PROPOSALS, **options),
        import_ahjo_cases(fixtures / AHJO_CASES, **options),
    ]
