"""The raw-SQL peer of `make bench` (bench/sqlserver.py) answers what Piiri
answers for the same request: the same tile bytes, the same features. Else
the ratios Piiri/SQL in bench/results/layers_wrk.md would compare unlike
work. Runs on the real Helsinki cases the session loads (committed, so the
peer's own connection sees them)."""

import json
import threading
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

from bench import layers_wrk, sqlserver
from bench.common import tile_of
from bench.server import free_port

KLUUVI = (24.9414, 60.1710)
BBOX = "24.93,60.16,24.96,60.18"


@pytest.fixture
def raw_sql():
    """bench/sqlserver.py on a free port, serving one tile and two pages."""
    z, x, y = tile_of(*KLUUVI, 14)
    paths = [
        f"/tile/{z}/{x}/{y}",
        f"/items?bbox={BBOX}&limit=100&count=1",
        f"/items?bbox={BBOX}&limit=100&count=0",
    ]
    built = layers_wrk.raw_statements([{"sql": paths}], [])
    statements = {
        path: [sql, sqlserver.bound(params), *options]
        for path, (sql, params, *options) in built.items()
    }
    # Tiles prepared, as the app's; pages planned for their values, as the
    # app's (a generic plan sorts every match in the bbox).
    assert [built[path][2] for path in paths] == [True, False, False]
    # The round trip through JSON the bench takes, too.
    assert json.loads(json.dumps(built)) == built
    settings = connection.settings_dict
    url = urlunsplit(
        urlsplit("postgresql://")._replace(
            netloc=f"{settings['USER']}:{settings['PASSWORD']}@"
            f"{settings['HOST']}:{settings['PORT']}",
            path=f"/{settings['NAME']}",
        )
    )
    port = free_port()
    server = sqlserver.make_server(port, statements, url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", (z, x, y)
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_raw_sql_tile_is_the_tile_piiri_serves(client, raw_sql):
    base, (z, x, y) = raw_sql
    ours = client.get(f"/tiles/cases/{z}/{x}/{y}.pbf")
    assert ours.status_code == 200
    raw = httpx.get(f"{base}/tile/{z}/{x}/{y}")
    assert raw.status_code == 200
    assert raw.content == ours.content
    # A unique cold-run argument asks the same statement.
    again = httpx.get(f"{base}/tile/{z}/{x}/{y}?_bench=1-7")
    assert again.content == ours.content


@pytest.mark.django_db
def test_the_raw_sql_page_holds_piiris_features_with_and_without_count(client, raw_sql):
    base, _ = raw_sql
    ours = client.get(f"/ogc/collections/cases/items?bbox={BBOX}&limit=100")
    assert ours.status_code == 200
    features = ours.json()["features"]
    assert len(features) > 1
    for count in (1, 0):
        raw = httpx.get(f"{base}/items?bbox={BBOX}&limit=100&count={count}")
        assert raw.status_code == 200
        assert json.loads(raw.content) == features
    assert httpx.get(f"{base}/items?bbox=1,2,3,4&limit=5&count=1").status_code == 404
