"""The planners' polygon query, checked against an independent shapely
computation over the fixture files."""

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from shapely.geometry import mapping, shape

from cases.importers.proposals import is_placeholder
from cases.models import BudgetProposal
from districts.models import CustomArea

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
QUERY = "/api/v1/query"
LEVEL_FILES = {
    "major-districts": "helsinki_suurpiirit.geojson",
    "districts": "helsinki_peruspiirit.geojson",
    "sub-districts": "helsinki_osa_alueet.geojson",
    "neighbourhoods": "helsinki_kaupunginosat.geojson",
}


def fixture_areas(collection):
    data = json.loads((FIXTURES / "districts" / LEVEL_FILES[collection]).read_text())
    return [
        (str(f["properties"]["tunnus"]), shape(f["geometry"])) for f in data["features"]
    ]


def overlapping(polygon, areas):
    # Interiors meet: touching along a border only does not count.
    return sorted(
        code
        for code, area in areas
        if polygon.intersects(area) and not polygon.touches(area)
    )


# The service map's types, as the playground importer maps them.
PLAYGROUND_KINDS = {69: "playpark", 70: "playground"}


def omastadi_status(props):
    """OmaStadi's screening state and the fate of the plans made from the
    proposal: an accepted proposal made into plans went to the vote."""
    if props["state"] != "accepted":
        return props["state"]  # rejected or withdrawn
    if props["any_linked_plan_selected"]:
        return "selected"
    return "not_selected" if props["n_linked_plans"] else "screened"


@dataclass(frozen=True)
class ItemSource:
    path: Path
    breakdown: str
    # A source feature's value in the breakdown (kind, status).
    group: Callable[[dict], str]
    # Names a feature, from the source's properties and from the answer's.
    label: Callable[[dict], Hashable]


ITEM_SOURCES = {
    "facilities": ItemSource(
        FIXTURES / "facilities" / "helsinki_playgrounds.geojson",
        "kind",
        group=lambda p: PLAYGROUND_KINDS[p["service_type_id"]],
        label=lambda p: p["name_fi"],
    ),
    "budget-proposals": ItemSource(
        FIXTURES / "cases" / "helsinki_omastadi_proposals_rounds1-3.geojson.gz",
        "status",
        group=omastadi_status,
        label=lambda p: (p["round"], p["title"].strip()),
    ),
}


@cache
def located_features(path):
    """(point, properties) of the features with a point, lon/lat. OmaStadi's
    placeholder points are no point (cases.importers.proposals)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        features = json.load(file)["features"]
    return [
        (shape(f["geometry"]), f["properties"])
        for f in features
        if f["geometry"] and not is_placeholder(*f["geometry"]["coordinates"][:2])
    ]


def assert_items_match(answer, polygon):
    """Item counts, breakdowns and features as the fixture files say: the
    features whose point the polygon intersects, as items_within matches
    them. Proposals without a point are in no polygon."""
    features = answer["features"]["features"]
    for collection, source in ITEM_SOURCES.items():
        located = located_features(source.path)
        points = [point for point, _ in located]
        # No point lies on an edge (none within 1e-6 degrees, 5-10 cm),
        # so lon/lat here and ETRS-TM35FIN in the database cannot disagree.
        assert shapely.distance(polygon.boundary, points).min() > 1e-6
        hits = shapely.intersects(polygon, points)
        inside = [props for (_, props), hit in zip(located, hits, strict=True) if hit]
        counts = answer["counts"][collection]
        assert counts["count"] == len(inside) > 0, collection
        assert counts[f"by_{source.breakdown}"] == Counter(map(source.group, inside))
        found = Counter(
            source.label(f["properties"])
            for f in features
            if f["properties"]["collection"] == collection
        )
        assert found == Counter(map(source.label, inside)), collection


def box(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# Kamppi to Kallio: crosses several major districts, districts and
# neighbourhoods.
CENTRE = {"type": "Polygon", "coordinates": [box(24.915, 60.160, 24.965, 60.190)]}
# Around Pasila with Keskuspuisto's edge cut out as a hole.
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        box(24.900, 60.190, 24.960, 60.225),
        box(24.915, 60.200, 24.940, 60.215),
    ],
}
# Two separate parts: Vuosaari harbour and Lauttasaari.
TWO_PARTS = {
    "type": "MultiPolygon",
    "coordinates": [
        [box(25.150, 60.200, 25.190, 60.225)],
        [box(24.860, 60.150, 24.885, 60.165)],
    ],
}
# A thin triangle from Malmi to Itäkeskus.
TRIANGLE = {
    "type": "Polygon",
    "coordinates": [
        [[25.010, 60.250], [25.090, 60.205], [25.075, 60.200], [25.010, 60.250]]
    ],
}


def post(client, body, status=200, **params):
    url = QUERY + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content[:400]
    return response


@pytest.mark.parametrize("geometry", [CENTRE, WITH_HOLE, TWO_PARTS, TRIANGLE])
def test_polygon_counts_match_shapely_over_the_fixture_files(client, geometry):
    answer = post(client, geometry).json()
    polygon = shape(geometry)
    features = answer["features"]["features"]
    for collection in LEVEL_FILES:
        expected = overlapping(polygon, fixture_areas(collection))
        assert answer["counts"][collection]["count"] == len(expected), collection
        found = sorted(
            f["id"] for f in features if f["properties"]["collection"] == collection
        )
        assert found == expected
    assert answer["counts"]["districts"]["count"] >= 1
    assert_items_match(answer, polygon)


def test_proposals_without_a_point_are_in_no_polygon(client):
    helsinki = {"type": "Polygon", "coordinates": [box(24.5, 59.9, 25.5, 60.4)]}
    answer = post(
        client, {"geometry": helsinki, "collections": list(ITEM_SOURCES)}
    ).json()
    assert_items_match(answer, shape(helsinki))
    assert answer["counts"]["facilities"]["count"] == 307
    # 4,403 proposals are imported; 1,064 of them have no point and 655 sit
    # on OmaStadi's placeholder points, which count as none.
    assert answer["counts"]["budget-proposals"]["count"] == 3339 - 655
    assert BudgetProposal.objects.filter(location__isnull=True).count() == 1064 + 655


def test_the_hole_is_not_part_of_the_polygon(client):
    filled = {"type": "Polygon", "coordinates": WITH_HOLE["coordinates"][:1]}
    hole = {"type": "Polygon", "coordinates": [WITH_HOLE["coordinates"][1]]}
    with_hole = post(client, WITH_HOLE).json()["counts"]["sub-districts"]["count"]
    # Sub-districts only inside the hole drop out.
    only_in_hole = [
        code
        for code, area in fixture_areas("sub-districts")
        if shape(hole).contains(area)
    ]
    assert with_hole == post(client, filled).json()["counts"]["sub-districts"][
        "count"
    ] - len(only_in_hole)


def test_an_official_area_counts_what_overlaps_it(client):
    answer = post(client, {"area": "district:101"}).json()
    vironniemi = dict(fixture_areas("districts"))["101"]
    for collection in LEVEL_FILES:
        expected = overlapping(vironniemi, fixture_areas(collection))
        assert answer["counts"][collection]["count"] == len(expected), collection
    assert answer["counts"]["sub-districts"]["count"] == 3
    # Items by their stored area links: a point the area covers.
    assert_items_match(answer, vironniemi)
    assert answer["area"] == {"type": "area"}


@pytest.fixture
def drawn_area():
    owner = get_user_model().objects.create_user("planner")
    geometry = {
        "type": "Polygon",
        "coordinates": [
            [[24.93, 60.165], [24.99, 60.175], [24.95, 60.20], [24.93, 60.165]]
        ],
    }
    area = CustomArea.objects.create(
        name_fi="Piirretty",
        boundary=GEOSGeometry(
            json.dumps(
                {"type": "MultiPolygon", "coordinates": [geometry["coordinates"]]}
            ),
            srid=4326,
        ),
        owner=owner,
        is_public=False,
    )
    return owner, area, shape(geometry)


def test_a_custom_area_counts_like_its_polygon(client, drawn_area):
    owner, area, polygon = drawn_area
    client.force_login(owner)
    answer = post(client, {"custom_area": area.id}).json()
    for collection in LEVEL_FILES:
        expected = overlapping(polygon, fixture_areas(collection))
        assert answer["counts"][collection]["count"] == len(expected), collection
    assert answer["counts"]["custom-areas"]["count"] == 1
    assert_items_match(answer, polygon)


def test_someone_elses_private_area_is_refused_as_an_unknown_one(client, drawn_area):
    _, area, _ = drawn_area
    response = post(client, {"custom_area": area.id}, status=400)
    assert "custom area" in response.json()["detail"]


def test_collections_can_be_chosen(client):
    answer = post(client, {"geometry": CENTRE, "collections": ["districts"]}).json()
    assert list(answer["counts"]) == ["districts"]


def test_the_result_downloads_as_geojson_csv_and_geopackage(client, tmp_path):
    counts = post(client, CENTRE).json()["counts"]
    expected = {name: c["count"] for name, c in counts.items() if c["count"]}

    geojson = post(client, CENTRE, format="geojson")
    assert geojson["Content-Type"] == "application/geo+json"
    assert 'filename="piiri-query.geojson"' in geojson["Content-Disposition"]
    features = json.loads(geojson.content)["features"]
    assert len(features) == sum(expected.values())

    rows = list(
        csv.DictReader(io.StringIO(post(client, CENTRE, format="csv").content.decode()))
    )
    assert {
        name: sum(1 for r in rows if r["collection"] == name) for name in expected
    } == expected
    kluuvi = next(
        r for r in rows if r["collection"] == "sub-districts" and r["code"] == "020"
    )
    assert kluuvi["geometry_wkt"].startswith("MULTIPOLYGON (((24.9")

    path = tmp_path / "result.gpkg"
    path.write_bytes(post(client, CENTRE, format="gpkg").content)
    layers = {
        name: count
        for name, count in (
            (n, len(gpd.read_file(path, layer=n))) for n, _ in pyogrio.list_layers(path)
        )
    }
    assert layers == expected
    frame = gpd.read_file(path, layer="districts")
    assert frame.crs.to_epsg() == 4326
    assert frame.total_bounds[0] > 24.7 and frame.total_bounds[3] < 60.4


def test_self_intersecting_polygons_are_refused(client):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[24.9, 60.1], [25.0, 60.2], [25.0, 60.1], [24.9, 60.2], [24.9, 60.1]]
        ],
    }
    response = post(client, bowtie, status=400)
    assert "Self-intersection" in response.json()["detail"]


def test_a_million_vertex_polygon_is_refused_unread(client):
    ring = "[24.9, 60.1], " * 1_000_000 + "[24.9, 60.2], [24.9, 60.1]"
    body = '{"type": "Polygon", "coordinates": [[' + ring + "]]}"
    response = client.post(QUERY, body, content_type="application/json")
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("not json", 400, "not valid JSON"),
        ([1, 2], 400, "must be a GeoJSON Polygon"),
        (
            {"type": "Point", "coordinates": [24.9, 60.1]},
            400,
            "Polygon or MultiPolygon",
        ),
        ({"type": "Polygon", "coordinates": [box(24.9, 91, 25, 92)]}, 400, "Latitude"),
        ({"area": "district:999"}, 400, "no district has the code '999'"),
        ({"area": "101"}, 400, "<level>:<code>"),
        ({"custom_area": 10**9}, 400, "no custom area"),
        ({"custom_area": "x"}, 400, "custom area id"),
        ({"geometry": CENTRE, "collections": ["counties"]}, 400, "Unknown collections"),
    ],
)
def test_bad_queries_answer_with_a_message(client, body, status, message):
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.post(QUERY, raw, content_type="application/json")
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_an_unknown_format_is_refused(client):
    response = post(client, CENTRE, status=400, format="xml")
    assert "format" in response.json()["detail"]
    assert client.get(QUERY).status_code == 405


def test_features_are_lon_lat(client):
    features = post(client, CENTRE).json()["features"]["features"]
    for feature in features:
        west, south, east, north = shape(feature["geometry"]).bounds
        assert 24.5 < west <= east < 25.5 and 59.8 < south <= north < 60.4
    assert mapping(shape(CENTRE))["type"] == "Polygon"
