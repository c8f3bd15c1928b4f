"""Tiles under a layer's data version: kept for ever by any cache, never
stale under the current version, never public when they depend on who
asks."""

from urllib.parse import parse_qs, urlsplit

import mapbox_vector_tile
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import tile_of
from cases.models import Case
from cases.services.cases import case_create, case_update
from districts.services import custom_area_create
from geo.params import parse_polygon
from maps.layers import LAYERS
from maps.tiles import IMMUTABLE, PUBLIC_MAX_AGE
from tests import places
from tests.maps.test_pages import map_config
from web.versions import tracked_tables

pytestmark = pytest.mark.django_db

STATION = tile_of(24.9414, 60.1710, 16)


def tilejson_tile_url(client, collection: str, tile=STATION) -> str:
    """The URL of one tile, as the layer's TileJSON names it."""
    (template,) = client.get(f"/tiles/{collection}.json").json()["tiles"]
    z, x, y = tile
    url = template.replace("{z}", str(z)).replace("{x}", str(x))
    return url.replace("{y}", str(y)).removeprefix("http://testserver")


def version_in(url: str) -> str:
    (version,) = parse_qs(urlsplit(url).query)["v"]
    return version


def titles(response) -> set[str]:
    if response.status_code == 204:
        return set()
    layers = mapbox_vector_tile.decode(response.content)
    return {f["properties"]["title_fi"] for f in layers["cases"]["features"]}


@pytest.fixture
def case():
    return case_create(title_fi="Asemanaukion penkit", location=places.RAILWAY_STATION)


def test_a_versioned_tile_may_be_kept_for_ever_with_its_etag(client, case):
    url = tilejson_tile_url(client, "cases")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == IMMUTABLE
    assert "Asemanaukion penkit" in titles(response)
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == IMMUTABLE


def test_a_versioned_point_tile_reads_its_version_in_its_own_statement(client, case):
    """One round trip, and the version and the rows from one snapshot: a
    write between two statements could not put new rows under an old
    version or old rows under a new one."""
    url = tilejson_tile_url(client, "cases")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Asemanaukion penkit" in titles(response)
    (statement,) = [q["sql"] for q in queries.captured_queries]
    assert "data_version" in statement and "ST_AsMVT" in statement
    stale = client.get(url.replace(f"v={version_in(url)}", "v=0"))
    assert stale.status_code == 302
    assert version_in(stale["Location"]) == version_in(url)


def test_an_unversioned_tile_keeps_the_short_max_age(client, case):
    url = tilejson_tile_url(client, "cases").partition("?")[0]
    response = client.get(url)
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    assert "Asemanaukion penkit" in titles(response)


def test_saving_a_case_changes_the_version_and_the_next_tile(client, case):
    before = tilejson_tile_url(client, "cases")
    case_update(case, title_fi="Asemanaukion uudet penkit")
    after = tilejson_tile_url(client, "cases")
    assert version_in(after) != version_in(before)
    assert titles(client.get(after)) >= {"Asemanaukion uudet penkit"}
    assert "Asemanaukion penkit" not in titles(client.get(after))


def test_a_raw_sql_update_changes_the_version_too(client, case):
    before = tilejson_tile_url(client, "cases")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET title_fi = %s WHERE id = %s", ["Uusi", case.pk]
        )
    after = tilejson_tile_url(client, "cases")
    assert version_in(after) != version_in(before)
    assert "Uusi" in titles(client.get(after))


def test_a_stale_version_is_redirected_to_the_current_one(client, case):
    stale = tilejson_tile_url(client, "cases")
    Case.objects.filter(pk=case.pk).update(title_fi="Muutettu")
    response = client.get(stale + "&status=pending&properties=id,title_fi")
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-cache"
    current = response["Location"]
    assert version_in(current) == version_in(tilejson_tile_url(client, "cases"))
    assert parse_qs(urlsplit(current).query)["status"] == ["pending"]
    assert parse_qs(urlsplit(current).query)["properties"] == ["id,title_fi"]
    followed = client.get(current)
    assert followed["Cache-Control"] == IMMUTABLE
    assert titles(followed) >= {"Muutettu"}


def test_a_made_up_version_is_never_served_as_data(client, case):
    url = tilejson_tile_url(client, "cases").partition("?")[0] + "?v=0"
    assert client.get(url).status_code == 302


def test_a_private_layer_tile_is_private_with_a_version_too(client):
    url = f"/tiles/custom-areas/{STATION[0]}/{STATION[1]}/{STATION[2]}.pbf?v=1"
    response = client.get(url)
    assert response.status_code in (200, 204)
    assert response["Cache-Control"] == "private, no-cache"
    (template,) = client.get("/tiles/custom-areas.json").json()["tiles"]
    assert "?v=" not in template


def test_a_custom_area_tile_is_private_with_a_version_too(client, planner, case):
    area = custom_area_create(
        actor=planner,
        name_fi="Oma",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION)),
        is_public=False,
    )
    client.force_login(planner)
    url = tilejson_tile_url(client, "cases") + f"&custom_area={area.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert "Asemanaukion penkit" in titles(response)


def test_every_versioned_layer_reads_only_tracked_tables():
    tracked = tracked_tables()
    for layer in LAYERS.values():
        for model in layer.sources:
            assert model._meta.db_table in tracked, (layer.name, model)


def test_the_map_page_asks_for_tiles_of_the_current_version(client, case):
    layers = {
        layer["name"]: layer for layer in map_config(client.get("/fi/"))["layers"]
    }
    assert layers["cases"]["version"] == version_in(tilejson_tile_url(client, "cases"))
    case_update(case, title_fi="Toinen")
    layers = {
        layer["name"]: layer for layer in map_config(client.get("/fi/"))["layers"]
    }
    assert layers["cases"]["version"] == version_in(tilejson_tile_url(client, "cases"))
