"""Public count tiles read a summary of counts per z15 cell, kept per data
version (geo.cells): the same tiles as counted from the rows."""

import mapbox_vector_tile
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import tile_of
from cases.models import Case
from geo import cells
from geo.tiles import render_tile
from maps.layers import LAYERS
from maps.tiles import aggregate_options, aggregates
from tests.maps.test_aggregated_tiles import HELSINKI, synthetic_cases, tile_url

pytestmark = pytest.mark.django_db

__all__ = ["synthetic_cases"]

SUMMARISED = [
    name
    for name, layer in LAYERS.items()
    if aggregates(layer) and layer.public and layer.shaped is None and layer.sources
]


def features(data, layer):
    """A tile's features, in an order of their own: a tile has none."""
    decoded = mapbox_vector_tile.decode(data).get(layer, {"features": []})
    return sorted(
        (tuple(f["geometry"]["coordinates"]), sorted(f["properties"].items()))
        for f in decoded["features"]
    )


def live(name, tile):
    """The tile counted from the rows, as filtered tiles are."""
    layer = LAYERS[name]
    rows = layer.rows(AnonymousUser())
    return features(render_tile(rows, tile=tile, **aggregate_options(layer)), name)


def served(client, name, tile, query=""):
    response = client.get(tile_url(name, tile, query))
    assert response.status_code in (200, 204), response.content[:200]
    return features(response.content, name)


def summary_rows(layer):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, sum(n) FROM {cells.TABLE} WHERE layer = %s "
            "GROUP BY version",
            [layer],
        )
        return dict(cursor.fetchall())


def tiles_around_helsinki(zoom):
    z, x, y = tile_of(*HELSINKI, zoom)
    return [(z, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


@pytest.mark.parametrize("zoom", [10, 12])
@pytest.mark.parametrize("name", SUMMARISED)
def test_a_summed_tile_is_the_counted_one_on_the_fixture_data(client, name, zoom):
    compared = 0
    for tile in tiles_around_helsinki(zoom):
        expected = live(name, tile)
        assert served(client, name, tile) == expected
        compared += len(expected)
    if name == "cases":
        assert compared > 0


@pytest.mark.parametrize("zoom", [6, 10, 11, 12])
def test_a_summed_tile_is_the_counted_one_on_synthetic_data(
    client, synthetic_cases, zoom
):
    for tile in tiles_around_helsinki(zoom):
        expected = live("cases", tile)
        assert served(client, "cases", tile) == expected
    z, x, y = tile_of(*HELSINKI, zoom)
    centre = dict(served(client, "cases", (z, x, y))[0][1])
    assert centre["count"] == sum(
        centre[f"count_{status}"]
        for status in ("pending", "in_preparation", "decided", "closed")
    )


def test_the_summary_holds_every_located_public_item_once(client, synthetic_cases):
    version = LAYERS["cases"].data_version()
    served(client, "cases", tile_of(*HELSINKI, 10))
    located = LAYERS["cases"].rows(AnonymousUser()).exclude(location=None).count()
    assert summary_rows("cases") == {version: located}


def test_a_write_rebuilds_the_summary_of_the_new_version(client, synthetic_cases):
    tile = tile_of(*HELSINKI, 10)
    before = served(client, "cases", tile)
    old = LAYERS["cases"].data_version()
    case = Case.objects.exclude(location=None).filter(status="pending").first()
    Case.objects.filter(pk=case.pk).update(status="closed")
    new = LAYERS["cases"].data_version()
    assert new != old

    after = served(client, "cases", tile)
    assert after != before
    assert after == live("cases", tile)
    assert set(summary_rows("cases")) == {new}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {cells.BUILT} WHERE layer = 'cases'")
        assert cursor.fetchall() == [(new,)]


def test_the_summary_of_a_version_is_built_once(client, synthetic_cases):
    tile = tile_of(*HELSINKI, 12)
    served(client, "cases", tile)
    with CaptureQueriesContext(connection) as queries:
        served(client, "cases", tile_of(*HELSINKI, 10))
    assert not any("INSERT" in q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) == 2  # the version, the tile


@pytest.mark.parametrize(
    "query", ["?status=pending", "?aggregate=true&area=district:101"]
)
def test_filtered_tiles_are_counted_from_the_rows(client, synthetic_cases, query):
    tile = tile_of(*HELSINKI, 10)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tile_url("cases", tile, query))
    assert response.status_code == 200
    assert not any(cells.TABLE in q["sql"] for q in queries.captured_queries)


def test_tiles_finer_than_the_cells_are_counted_from_the_rows(client, synthetic_cases):
    tile = tile_of(*HELSINKI, 13)
    with CaptureQueriesContext(connection) as queries:
        counted = served(client, "cases", tile, "?aggregate=true")
    assert counted == live("cases", tile)
    assert not any(cells.TABLE in q["sql"] for q in queries.captured_queries)
