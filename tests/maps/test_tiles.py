import mapbox_vector_tile
import pytest

from bench.common import tile_of
from districts.services import custom_area_create
from geo.params import parse_polygon
from tests import places

pytestmark = pytest.mark.django_db


STATION_Z14 = tile_of(24.9414, 60.1710, 14)


def tile_url(collection, tile):
    z, x, y = tile
    return f"/tiles/{collection}/{z}/{x}/{y}.pbf"


def test_a_tile_is_one_query_and_holds_the_areas_under_it(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(tile_url("sub-districts", STATION_Z14))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    features = layers["sub-districts"]["features"]
    names = {f["properties"]["name_fi"] for f in features}
    assert "Kluuvi" in names
    assert all(f["properties"]["level"] == "sub_district" for f in features)
    # Polygons are clipped to the tile plus its buffer, in tile coordinates.
    assert layers["sub-districts"]["extent"] == 4096
    for feature in features:
        for ring in feature["geometry"]["coordinates"]:
            points = ring if feature["geometry"]["type"] == "Polygon" else ring[0]
            for x, y in points:
                assert -64 <= x <= 4096 + 64 and -64 <= y <= 4096 + 64


def test_a_low_zoom_tile_holds_every_major_district(client):
    response = client.get(tile_url("major-districts", tile_of(24.95, 60.2, 8)))
    features = mapbox_vector_tile.decode(response.content)["major-districts"]
    codes = sorted(f["properties"]["code"] for f in features["features"])
    assert codes == [str(n) for n in range(1, 9)]


def test_an_empty_tile_answers_204(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(tile_url("districts", tile_of(0.0, 0.0, 10)))
    assert response.status_code == 204
    assert response.content == b""


def test_a_matching_conditional_get_answers_304(client):
    first = client.get(tile_url("districts", STATION_Z14))
    etag = first["ETag"]
    assert first["Cache-Control"].startswith("public, max-age=")
    again = client.get(tile_url("districts", STATION_Z14), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(tile_url("districts", STATION_Z14), HTTP_IF_NONE_MATCH='"x"')
    assert other.status_code == 200


def test_custom_area_tiles_are_private_to_the_viewer(client):
    response = client.get(tile_url("custom-areas", STATION_Z14))
    assert response["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response["Vary"]
    assert "Authorization" in response["Vary"]


def test_a_tile_filtered_by_a_custom_area_is_private_to_the_viewer(client, planner):
    # Who may use the area decides the answer: a shared cache must not hand
    # the owner's tile to anyone else.
    area = custom_area_create(
        actor=planner,
        name_fi="Oma",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION)),
        is_public=False,
    )
    client.force_login(planner)
    url = tile_url("cases", STATION_Z14)
    mine = client.get(url, {"custom_area": area.pk})
    assert mine.status_code in (200, 204)
    assert mine["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Authorization"} <= {v.strip() for v in mine["Vary"].split(",")}
    assert client.get(url)["Cache-Control"].startswith("public, max-age=")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/tiles/districts/25/0/0.pbf", "Zoom 25 is out of range"),
        ("/tiles/districts/3/8/0.pbf", "between 0 and 7"),
        ("/tiles/districts/3/0/-1.pbf", "between 0 and 7"),
        ("/tiles/districts/a/0/0.pbf", "whole numbers"),
    ],
)
def test_tiles_out_of_range_answer_400(client, path, message):
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_tilejson_points_at_the_tiles_of_the_collection(client):
    document = client.get("/tiles/districts.json").json()
    assert document["tilejson"] == "3.0.0"
    (template,) = document["tiles"]
    # With the layer's data version (tests/maps/test_tile_versions.py).
    assert template.startswith("http://testserver/tiles/districts/{z}/{x}/{y}.pbf?v=")
    assert document["vector_layers"][0]["id"] == "districts"
    west, south, east, north = document["bounds"]
    assert 24.7 < west < east < 25.3 and 59.9 < south < north < 60.32


@pytest.mark.parametrize("zoom", [8, 12, 14])
def test_a_compiled_tile_statement_renders_the_same_tile(zoom):
    from geo.params import Tile
    from geo.tiles import CompiledTile, render_tile
    from maps.layers import LAYERS

    layer = LAYERS["sub-districts"]
    options = {"layer": layer.name, "geometry": "boundary", "fields": layer.tile_fields}
    compiled = CompiledTile(layer.rows(None), **options)
    tile = Tile(*tile_of(24.9414, 60.1710, zoom))
    assert compiled.render(tile) == render_tile(layer.rows(None), tile=tile, **options)
    assert mapbox_vector_tile.decode(compiled.render(tile))["sub-districts"]["features"]


def test_properties_chooses_the_tile_fields(client):
    full = client.get(tile_url("sub-districts", STATION_Z14))
    lean = client.get(tile_url("sub-districts", STATION_Z14) + "?properties=code")
    assert lean.status_code == 200
    full_features = mapbox_vector_tile.decode(full.content)["sub-districts"]["features"]
    lean_features = mapbox_vector_tile.decode(lean.content)["sub-districts"]["features"]
    assert {f["properties"]["code"] for f in lean_features} == {
        f["properties"]["code"] for f in full_features
    }
    assert all(set(f["properties"]) == {"code"} for f in lean_features)
    assert len(lean.content) < len(full.content)


@pytest.mark.parametrize("properties", ["secret", "", "code,title"])
def test_unknown_tile_properties_answer_400(client, properties):
    response = client.get(
        tile_url("sub-districts", STATION_Z14) + f"?properties={properties}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "must name some of" in response.json()["detail"]


def test_point_tiles_from_the_stored_web_mercator_copy_equal_transformed_ones():
    from geo.params import Tile
    from geo.tiles import render_tile
    from maps.layers import LAYERS

    layer = LAYERS["facilities"]
    tile = Tile(*tile_of(24.95, 60.19, 12))
    options = {"layer": layer.name, "geometry": "location", "fields": ("id",)}
    stored = render_tile(
        layer.rows(None), tile=tile, web_geometry="location_web", **options
    )
    transformed = render_tile(layer.rows(None), tile=tile, **options)

    def points(data):
        features = mapbox_vector_tile.decode(data)["facilities"]["features"]
        return {
            (f["properties"]["id"], tuple(f["geometry"]["coordinates"]))
            for f in features
        }

    assert len(points(stored)) > 10
    assert points(stored) == points(transformed)


def test_tiles_do_not_vary_by_language_but_their_errors_do(client):
    tile = client.get(tile_url("districts", STATION_Z14), HTTP_ACCEPT_LANGUAGE="sv")
    assert tile.status_code == 200
    assert "Vary" not in tile.headers
    assert "Content-Language" not in tile.headers
    assert tile["Cache-Control"] == "public, max-age=300"
    tilejson = client.get("/tiles/districts.json")
    assert "Accept-Language" not in tilejson.headers.get("Vary", "")
    error = client.get("/tiles/districts/25/0/0.pbf", HTTP_ACCEPT_LANGUAGE="en")
    assert error.status_code == 400
    assert "Accept-Language" in error["Vary"]


def test_private_tiles_still_vary_by_cookie(client):
    response = client.get(tile_url("custom-areas", STATION_Z14))
    assert response["Vary"] == "Cookie, Authorization"


def test_a_prepared_tile_computes_its_envelope_once_not_per_row():
    """Tiles are prepared statements (server-side binding): once PostgreSQL
    plans them generically, z/x/y are parameters, and an envelope written
    inline would be computed, and transformed, again for every row. The
    plan must read the envelopes from InitPlans instead."""
    from django.db import connection

    from maps.layers import get_layer
    from maps.tiles import compiled

    statement = compiled(get_layer("cases"))
    sql = statement.sql
    for n in range(1, len(statement.params) + 1):
        sql = sql.replace("%s", f"${n}", 1)
    types = ", ".join(
        "text" if isinstance(value, str) else "int" for value in statement.params
    )
    z, x, y = STATION_Z14
    arguments = [
        z if slot == 0 else x if slot == 1 else y for _, slot in statement.slots
    ]
    values = list(statement.params)
    for (position, _), value in zip(statement.slots, arguments, strict=True):
        values[position] = value
    literals = ", ".join(
        f"'{value}'" if isinstance(value, str) else str(int(value)) for value in values
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE generic_tile({types}) AS {sql}")
        cursor.execute(f"EXPLAIN (VERBOSE) EXECUTE generic_tile({literals})")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE generic_tile")
    scan = [
        line
        for line in plan.splitlines()
        if "Index Cond" in line or "Filter" in line or "st_asmvtgeom" in line
    ]
    assert "InitPlan" in plan
    assert scan and not any("st_tileenvelope" in line.lower() for line in scan), plan


def test_a_compiled_tile_asks_the_router_at_each_tile_not_once(settings, monkeypatch):
    """Compiled once per process, perhaps during a request pinned to the
    primary after a write: later tiles must still read from the replica."""
    from django.db import connection

    # As a request outside a transaction (the test runs inside one, which
    # keeps reads on the primary).
    monkeypatch.setattr(connection, "in_atomic_block", False)
    from cases.models import Case
    from geo.tiles import CompiledTile
    from maps.layers import get_layer
    from maps.tiles import tile_options
    from web import db_router

    settings.DATABASES = {
        **settings.DATABASES,
        "replica": settings.DATABASES["default"],
    }
    layer = get_layer("cases")
    pinned = db_router._wrote.set(True)
    try:
        statement = CompiledTile(Case.objects.all(), **tile_options(layer))
        assert statement.db == "default"
    finally:
        db_router._wrote.reset(pinned)
    # A later request: PrimaryPinningMiddleware starts it unpinned.
    later = db_router._wrote.set(False)
    try:
        assert statement.db == "replica"
    finally:
        db_router._wrote.reset(later)
