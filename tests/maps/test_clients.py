"""Real clients of the OGC API and the tiles: GDAL (OAPIF and MVT drivers)
and OWSLib, against the app served by gunicorn on the test database.

The server is a separate process, so it sees only committed rows: the areas
and items the session loaded, and the custom area this module commits (and
deletes again).
"""

import json
import re
import subprocess

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon
from django.db import connection
from owslib.ogcapi.features import Features
from shapely.geometry import Point, shape

from bench.server import app_server
from districts.models import CustomArea
from geo.points import point_at
from maps.layers import LAYERS
from tests.committed import committed
from tests.maps.test_tiles import STATION_Z14

# The module fixture needs the test database even when this module runs alone:
# without a django_db test, pytest-django would leave the settings on the
# development database.
pytestmark = pytest.mark.django_db

AREA_COUNTS = {
    "major-districts": 8,
    "districts": 34,
    "sub-districts": 148,
    "neighbourhoods": 60,
    "custom-areas": 1,
}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with committed(django_db_blocker):
        settings = connection.settings_dict
        owner = get_user_model().objects.create_user("client-test-owner")
        CustomArea.objects.create(
            name_fi="Asema-aukio",
            boundary=MultiPolygon(
                point_at(lon=24.9414, lat=60.1710).buffer(0.002), srid=4326
            ),
            owner=owner,
            is_public=True,
        )
    url = (
        f"postgis://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )
    try:
        with app_server(url, workers=2) as base:
            yield base
    finally:
        with committed(django_db_blocker):
            CustomArea.objects.filter(owner=owner).delete()
            owner.delete()


def gdal(*args):
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def number_matched(base, collection):
    response = httpx.get(f"{base}/ogc/collections/{collection}/items?limit=1")
    return response.json()["numberMatched"]


def test_ogrinfo_lists_every_collection(server):
    output = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{server}/ogc")
    listed = re.findall(r"^\d+: (\S+) \(title", output, flags=re.MULTILINE)
    assert listed == list(LAYERS)
    assert "districts (title: Districts) (Multi Polygon)" in output


@pytest.mark.parametrize("collection", list(LAYERS))
def test_ogr2ogr_copies_each_collection_whole_following_next_links(
    server, collection, tmp_path
):
    matched = number_matched(server, collection)
    target = tmp_path / f"{collection}.gpkg"
    # Small pages, so a multi-page collection is fetched through next links.
    page = max(10, matched // 3 + 1)
    gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(target),
        f"OAPIF:{server}/ogc",
        collection,
        "-oo",
        f"PAGE_SIZE={page}",
        "-nln",
        "copy",
    )
    summary = gdal("ogrinfo", "-ro", "-so", str(target), "copy")
    count = int(re.search(r"Feature Count: (\d+)", summary).group(1))
    assert count == matched
    if collection != "custom-areas" and collection in (
        "major-districts",
        "districts",
        "sub-districts",
        "neighbourhoods",
    ):
        assert matched >= 8


def test_ogr2ogr_copies_sub_districts_with_their_codes_in_lon_lat(server, tmp_path):
    target = tmp_path / "sub.geojson"
    gdal(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(target),
        f"OAPIF:{server}/ogc",
        "sub-districts",
        "-oo",
        "PAGE_SIZE=40",
    )
    features = json.loads(target.read_text())["features"]
    assert len(features) == 148
    kluuvi = next(f for f in features if f["properties"]["code"] == "020")
    assert kluuvi["properties"]["name_fi"] == "Kluuvi"
    assert shape(kluuvi["geometry"]).contains(Point(24.9414, 60.1710))


def test_gdal_mvt_driver_reads_a_tile_with_the_expected_features(server, tmp_path):
    z, x, y = STATION_Z14
    response = httpx.get(f"{server}/tiles/sub-districts/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    # The driver georeferences a tile from its z/x/y path.
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(response.content)
    output = gdal("ogrinfo", "-ro", "-al", "-q", f"MVT:{path}")
    assert "Layer name: sub-districts" in output
    assert "name_fi (String) = Kluuvi" in output
    # Web Mercator metres around the railway station (24.94 E, 60.17 N).
    xs = [float(v) for v in re.findall(r"\(\(?\(?(27\d{5}\.\d+) 84\d{5}", output)]
    assert xs and all(2_774_000 < v < 2_779_000 for v in xs)


def test_owslib_lists_collections_and_items(server):
    features = Features(f"{server}/ogc")
    ids = [c["id"] for c in features.collections()["collections"]]
    assert ids == list(LAYERS)
    assert features.collection("districts")["itemType"] == "feature"
    items = features.collection_items("districts", limit=5)
    assert items["numberMatched"] == 34
    assert len(items["features"]) == 5
    public = features.collection_items("custom-areas")
    assert [f["properties"]["name_fi"] for f in public["features"]] == ["Asema-aukio"]
    queryables = features.collection_queryables("sub-districts")
    assert "parent_code" in queryables["properties"]
