"""Layers: vector tiles, OGC API items pages and polygon queries, side by
side with TiPg on the same database and with the raw SQL of each request.

Synthetic cases (bench/synthetic.py, seeded, clustered on Helsinki's land,
labelled SYNTHETIC) are loaded into the benchmark database. Each workload is
a list of distinct requests (shuffled tiles, random bboxes, random polygons:
never one URL repeated) run at concurrency 1 and 8 against:

- our app under gunicorn (sync workers),
- TiPg under uvicorn with the same number of workers, the same tiles,
  limits and properties,
- the SQL statement our app sends for that request, run through psycopg
  (one connection per client thread): the floor the app can approach.

    .venv/bin/python bench/run.py layers            # 100,000 cases
    .venv/bin/python -m bench.layers 1000000       # another size
"""

import json
import logging
import math
import os
import random
import sys
from collections.abc import Callable
from typing import Any

import psycopg

from bench.common import (
    HELSINKI_BBOX,
    bench_database_url,
    prepare_database,
    psycopg_url,
    table,
    tile_of,
    write_results,
)
from bench.loadgen import TIPG_CASES, http_client, run, sql_client, tipg_server
from bench.server import app_server
from bench.synthetic import synthetic_points

# TiPg's uvicorn workers: one per core, as for any async server. Ours runs
# as `make serve` does (config/gunicorn.py: 2 x cores + 1 sync workers, the
# gunicorn rule for sync workers, which wait on the database one request
# at a time where an async worker interleaves many).
WORKERS = 2
CONCURRENCY = (1, 8)
SEED = 20261128
TILE_REQUESTS = int(os.environ.get("BENCH_TILES", 120))
ITEM_REQUESTS = int(os.environ.get("BENCH_ITEMS", 50))
QUERY_REQUESTS = int(os.environ.get("BENCH_QUERIES", 30))
CASE_PROPERTIES = (
    "diary_number,title_fi,title_sv,status,department,decision_maker,"
    "opened_on,decided_on,placement"
)
TILE_FIELDS = "id,title_fi,status"


# -- data -------------------------------------------------------------------


def load_cases(url: str, n: int) -> None:
    """Exactly ``n`` synthetic cases (and no others) in the bench database."""
    with psycopg.connect(psycopg_url(url)) as conn:
        (have,) = conn.execute(
            "SELECT count(*) FROM cases_case WHERE diary_number LIKE 'SYN %%'"
        ).fetchone()
        if have == n:
            print(f"==> {n} synthetic cases already loaded", file=sys.stderr)
            return
        print(f"==> loading {n} synthetic cases", file=sys.stderr)
        conn.execute("DELETE FROM cases_case_areas")
        conn.execute("DELETE FROM cases_case")
        lon, lat = synthetic_points(n, seed=SEED)
        conn.execute("CREATE TEMP TABLE syn (i int, lon float8, lat float8)")
        with conn.cursor().copy("COPY syn (i, lon, lat) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row((i, round(float(lon[i]), 6), round(float(lat[i]), 6)))
        # PostGIS transforms the points, as the model's lookups would.
        conn.execute(
            """
            INSERT INTO cases_case (diary_number, source_id, title_fi, title_sv,
                summary_fi, summary_sv, status, department, decision_maker,
                classification, links, placement, place_names, created_at,
                updated_at, location)
            SELECT 'SYN ' || (2020 + i % 7) || '-' || lpad(i::text, 7, '0'), '',
                'SYNTHETIC case ' || i || ' (benchmark data, not real)', '', '',
                '', (ARRAY['pending', 'in_preparation', 'decided', 'closed'])[
                i % 4 + 1], '', '', '', '[]', 'given', '[]', now(), now(),
                ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3067)
            FROM syn
            """
        )
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases_case")


def tune(url: str) -> None:
    """For the benchmark database, so every client (ours, TiPg, raw SQL)
    runs alike: JIT off, since compiling a plan costs more (150+ ms here)
    than these short queries run; and no parallel workers per query, which
    our app's connections already ask for (config.settings,
    DB_PARALLEL_WORKERS): starting them costs more than these queries."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET jit = off')
        conn.execute(f'ALTER DATABASE "{name}" SET max_parallel_workers_per_gather = 0')


# -- workloads --------------------------------------------------------------


def tiles(z: int, n: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Distinct tiles at ``z`` where the map is looked at: every tile over
    Helsinki at low zoom, tiles under cases at high zoom."""
    west, south, east, north = HELSINKI_BBOX
    _, x0, y1 = tile_of(west, south, z)
    _, x1, y0 = tile_of(east, north, z)
    if (x1 - x0 + 1) * (y1 - y0 + 1) <= n:
        found = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    else:
        # Many clusters' worth of cases, so the tiles spread over the city.
        lon, lat = synthetic_points(20_000, seed=SEED + z)
        found = sorted({tile_of(a, b, z) for a, b in zip(lon, lat, strict=True)})
    rng.shuffle(found)
    return found[:n]


def bboxes(km: float, n: int, rng: random.Random) -> list[str]:
    west, south, east, north = HELSINKI_BBOX
    dlat = km / 111.32
    dlon = km / (111.32 * math.cos(math.radians(60.2)))
    found = []
    for _ in range(n):
        lon = rng.uniform(west, east - dlon)
        lat = rng.uniform(south, north - dlat)
        found.append(f"{lon:.5f},{lat:.5f},{lon + dlon:.5f},{lat + dlat:.5f}")
    return found


def polygons(n: int, rng: random.Random) -> list[list[list[float]]]:
    """Random hexagons 1-3 km across over Helsinki's land bbox."""
    west, south, east, north = HELSINKI_BBOX
    found = []
    for _ in range(n):
        lon, lat = (
            rng.uniform(west + 0.03, east - 0.03),
            rng.uniform(south + 0.015, north - 0.015),
        )
        r = rng.uniform(0.5, 1.5) / 111.32
        ring = [
            [
                round(lon + 2 * r * math.cos(math.radians(a)), 6),
                round(lat + r * math.sin(math.radians(a)), 6),
            ]
            for a in range(0, 360, 60)
        ]
        found.append([*ring, ring[0]])
    return found


def django_sql(url: str) -> dict[str, Callable[..., list[tuple[str, tuple]]]]:
    """The statements our views send, built by the same code."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from geo.geojson import feature_page_sql
    from geo.params import Tile, parse_bbox, parse_polygon
    from geo.tiles import tile_sql
    from maps.layers import LAYERS
    from maps.query import Area, breakdown_rows
    from maps.tiles import tile_options

    cases = LAYERS["cases"]
    viewer = AnonymousUser()

    def literal(statement: tuple[str, Any]) -> tuple[str, tuple]:
        # Django binds parameters on the client; so does this.
        return connection.ops.compose_sql(*statement), ()

    def tile(t: tuple[int, int, int]) -> list[tuple[str, tuple]]:
        return [
            literal(tile_sql(cases.rows(viewer), tile=Tile(*t), **tile_options(cases)))
        ]

    def items(bbox: str, limit: int) -> list[tuple[str, tuple]]:
        rows = cases.feature_rows(viewer).filter(location__intersects=parse_bbox(bbox))
        return [
            literal(
                feature_page_sql(
                    rows,
                    geometry=cases.geometry,
                    properties=cases.properties,
                    offset=0,
                    limit=limit,
                )
            )
        ]

    def query(ring: list[list[float]]) -> list[tuple[str, tuple]]:
        polygon = parse_polygon({"type": "Polygon", "coordinates": [ring]})
        rows = Area("polygon", polygon=polygon).rows(cases, viewer)
        page = feature_page_sql(
            rows.order_by(*cases.ordering),
            geometry=cases.geometry,
            properties=cases.properties,
            offset=0,
            limit=10_000,
        )
        counts = breakdown_rows(cases, rows).query.sql_with_params()
        return [literal(page), literal(counts)]

    return {"tile": tile, "items": items, "query": query}


def ring_wkt(ring: list[list[float]]) -> str:
    return "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"


def main(n: int = 100_000) -> None:
    url = bench_database_url()
    prepare_database(url)
    load_cases(url, n)
    tune(url)
    rng = random.Random(SEED)
    sql = django_sql(url)
    workloads: list[dict[str, Any]] = []
    for z in (10, 12, 14, 16):
        chosen = tiles(z, TILE_REQUESTS, rng)
        workloads.append(
            {
                "name": f"tiles z{z}",
                "ours": [
                    ("GET", f"/tiles/cases/{z}/{x}/{y}.pbf", None) for _, x, y in chosen
                ],
                "tipg": [
                    (
                        "GET",
                        f"/collections/{TIPG_CASES}/tiles/WebMercatorQuad/{z}/{x}/{y}"
                        f"?properties={TILE_FIELDS}",
                        None,
                    )
                    for _, x, y in chosen
                ],
                "sql": [sql["tile"](t) for t in chosen],
            }
        )
    for km in (1, 5):
        for limit in (100, 1000):
            chosen_boxes = bboxes(km, ITEM_REQUESTS, rng)
            workloads.append(
                {
                    "name": f"items {km} km bbox, limit {limit}",
                    "ours": [
                        (
                            "GET",
                            f"/ogc/collections/cases/items?bbox={b}&limit={limit}",
                            None,
                        )
                        for b in chosen_boxes
                    ],
                    "tipg": [
                        (
                            "GET",
                            f"/collections/{TIPG_CASES}/items?bbox={b}&limit={limit}"
                            f"&properties={CASE_PROPERTIES}",
                            None,
                        )
                        for b in chosen_boxes
                    ],
                    "sql": [sql["items"](b, limit) for b in chosen_boxes],
                }
            )
    rings = polygons(QUERY_REQUESTS, rng)
    workloads.append(
        {
            "name": "polygon query (cases)",
            "ours": [
                (
                    "POST",
                    "/api/v1/query",
                    {
                        "type": "Polygon",
                        "coordinates": [r],
                        "collections": ["cases"],
                    },
                )
                for r in rings
            ],
            # TiPg has no polygon endpoint: its CQL2 S_INTERSECTS items.
            "tipg": [
                (
                    "GET",
                    f"/collections/{TIPG_CASES}/items?limit=10000"
                    f"&properties={CASE_PROPERTIES}&filter-lang=cql2-text"
                    f"&filter=S_INTERSECTS(location, {ring_wkt(r)})",
                    None,
                )
                for r in rings
            ],
            "sql": [sql["query"](r) for r in rings],
        }
    )

    os.environ["RATE_POLYGON_QUERY"] = "1000000/min"
    # Neither server writes an access log line per request.
    os.environ["LOG_REQUESTS"] = "0"
    results: list[dict[str, Any]] = []
    with (
        app_server(url, workers=None) as ours,
        tipg_server(url, workers=WORKERS) as tipg,
    ):
        warm_up(ours, tipg)
        for workload in workloads:
            for concurrency in CONCURRENCY:
                row: dict[str, Any] = {
                    "workload": workload["name"],
                    "concurrency": concurrency,
                    "n": len(workload["sql"]),
                }
                for target, base in (("ours", ours), ("tipg", tipg)):
                    requests = [(m, base + path, b) for m, path, b in workload[target]]
                    row[target] = run(http_client(), requests, concurrency)
                row["sql"] = run(sql_client(url), workload["sql"], concurrency)
                print(json.dumps(row), file=sys.stderr)
                results.append(row)
    write_report(n, results)


def warm_up(ours: str, tipg: str) -> None:
    """Tiles and items pages outside the measured lists (z13, other boxes),
    at a concurrency that reaches every worker: each worker's first requests
    open its database connection, and each new database backend loads its
    PROJ transformations once. Unmeasured, for both servers alike."""
    rng = random.Random(SEED + 1)
    tiles13 = tiles(13, 48, rng)
    boxes = bboxes(2, 48, rng)
    requests = {
        ours: [("GET", f"/tiles/cases/{z}/{x}/{y}.pbf", None) for z, x, y in tiles13]
        + [("GET", f"/ogc/collections/cases/items?bbox={b}", None) for b in boxes],
        tipg: [
            (
                "GET",
                f"/collections/{TIPG_CASES}/tiles/WebMercatorQuad/{z}/{x}/{y}",
                None,
            )
            for z, x, y in tiles13
        ]
        + [("GET", f"/collections/{TIPG_CASES}/items?bbox={b}", None) for b in boxes],
    }
    for base, paths in requests.items():
        run(http_client(), [(m, base + path, b) for m, path, b in paths], 16)


def write_report(n: int, results: list[dict[str, Any]]) -> None:
    rows = []
    for r in results:
        ours, tipg, raw = r["ours"], r["tipg"], r["sql"]
        rows.append(
            {
                "workload": r["workload"],
                "c": r["concurrency"],
                "n": r["n"],
                "ours rps": ours["rps"],
                "TiPg rps": tipg["rps"],
                "SQL rps": raw["rps"],
                "ours/TiPg rps": round(ours["rps"] / tipg["rps"], 2),
                "ours/SQL rps": round(ours["rps"] / raw["rps"], 2),
                "ours p50/p90/p99 ms": percentiles(ours),
                "TiPg p50/p90/p99 ms": percentiles(tipg),
                "SQL p50/p90/p99 ms": percentiles(raw),
                "ours p50 - SQL p50 ms": round(ours["p50_ms"] - raw["p50_ms"], 2),
            }
        )
    columns = list(rows[0])
    markdown = (
        f"{n:,} synthetic cases (bench/synthetic.py, seeded, clustered on "
        f"Helsinki's land). Our app as `make serve` runs it: gunicorn with "
        f"config/gunicorn.py, {2 * (os.cpu_count() or 1) + 1} sync workers "
        "(2 x cores + 1: a sync worker waits on the database one request at a "
        f"time). TiPg {_version('tipg')}: uvicorn, {WORKERS} async workers (one "
        "per core), same database, same "
        "tiles, bboxes, limits and properties (feature cap 10,000 per tile "
        "in both). SQL: the statement our view sends for that request, built "
        "by the same code and run through psycopg, one connection per "
        "client. PostgreSQL JIT and parallel workers per query are off for the "
        "database (all three alike). "
        "Clients: threads, each with one standard-library HTTP connection (kept "
        "alive where the server allows; httpx cost 3 ms a request of its own). "
        "Every workload "
        "is a list of distinct requests (shuffled tiles, random bboxes, random "
        "hexagons); z10 and z12 cover every tile over Helsinki. The polygon "
        "query is POST /api/v1/query for cases (counts per status and "
        "features); TiPg has no polygon query, so its row is the nearest it "
        "offers: items with a CQL2 S_INTERSECTS filter.\n\n"
        + table(rows, columns)
        + "\n\nTargets: ours/TiPg rps >= 1 for tiles and items at concurrency "
        "8; ours p50 - SQL p50 <= 5 ms for z14 tiles.\n"
    )
    suffix = "" if n == 100_000 else f"_{n}"
    write_results(f"layers{suffix}", {"cases": n, "results": results}, markdown)


def percentiles(result: dict[str, float]) -> str:
    return f"{result['p50_ms']}/{result['p90_ms']}/{result['p99_ms']}"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
