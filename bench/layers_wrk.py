"""Map layers measured as a peer would: wrk against Piiri, TiPg and raw SQL.

One run, interleaved: for each size (BENCH_SIZES, default 100,000 and
1,000,000 synthetic cases, bench/synthetic.py, seeded, labelled SYNTHETIC,
with the real Helsinki areas from load_helsinki; one database per size,
kept and reused by later runs) and each workload (tiles z10, z12, z14, z16;
items in a bbox, limit 100 and 1,000), wrk drives in turn:

- ``sql``: the statement Piiri sends for the request, built by the same code
  and run prepared through psycopg, one connection per client
  (bench/sqlserver.py); for items also ``sql_nocount``, the page alone;
- ``tipg``: TiPg (.bench-venv, bench/requirements/tipg.txt), 2 uvicorn workers;
- ``piiri``: gunicorn as `make serve` runs it (config/gunicorn.py);
- ``cold``: the same through nginx (scripts/nginx) with every URL unique,
  so its cache never answers; ``warm``: through nginx over a list first
  requested once, so the cache may answer.

Every client cycles through a fixed, seeded list of distinct tiles or
bboxes over the city (the same list for every server). Results:
bench/results/layers_wrk.md and .json.

    make bench BENCH=layers
    BENCH_SIZES=20000 BENCH_DURATION=5 .venv/bin/python bench/run.py layers

BENCH_DURATION (s per cell, default 15), BENCH_CONCURRENCY (8),
BENCH_BBOX_KM (5), BENCH_NGINX (auto/0/1), BENCH_PORT (8133).
"""

import json
import logging
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg

from bench import peers
from bench.common import (
    PY,
    RESULTS,
    ROOT,
    bench_database_url,
    prepare_database,
    psycopg_url,
    table,
    write_markdown,
    write_results,
)
from bench.layers import SEED, bboxes, load_cases, tiles, tune
from bench.wrk import run_wrk, wrk_version

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100000,1000000").split(",")]
DURATION = float(os.environ.get("BENCH_DURATION", 15))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
BBOX_KM = float(os.environ.get("BENCH_BBOX_KM", 5))
ZOOMS = (10, 12, 14, 16)
LIMITS = (100, 1000)
# Distinct tiles / bboxes in each list; z10 and z12 have fewer over the city.
TILE_LIST = 2000
ITEM_LIST = 2000
# The warm runs' lists: the head of each list, requested once beforehand.
WARM_TILES = 500
WARM_ITEMS = 100
WARM_UP_SECONDS = 3
PRIME_CONCURRENCY = 8

TARGETS_NOTE = (
    "Targets from issue 19, at concurrency 8, both sizes; Piiri is cold "
    "through nginx unless said otherwise (gunicorn direct where the tree "
    "has no scripts/nginx)."
)


# -- the lists of requests ----------------------------------------------------


def workloads(tile_template: str) -> list[dict[str, Any]]:
    """Every workload's paths for each server, from one seeded generator."""
    rng = random.Random(SEED)
    cases = peers.TIPG_CASES
    tile_props = ",".join(tile_fields())
    item_props = ",".join(item_properties())
    found = []
    for z in ZOOMS:
        chosen = tiles(z, TILE_LIST, rng)
        found.append(
            {
                "name": f"tiles z{z}",
                "kind": "tile",
                "zoom": z,
                "inputs": chosen,
                "piiri": [tile_template.format(z=z, x=x, y=y) for _, x, y in chosen],
                "tipg": [
                    f"/collections/{cases}/tiles/WebMercatorQuad/{z}/{x}/{y}"
                    f"?properties={tile_props}"
                    for _, x, y in chosen
                ],
                "sql": [f"/tile/{z}/{x}/{y}" for _, x, y in chosen],
            }
        )
    for limit in LIMITS:
        boxes = bboxes(BBOX_KM, ITEM_LIST, rng)
        found.append(
            {
                "name": f"items, {BBOX_KM:g} km bbox, limit {limit}",
                "kind": "items",
                "limit": limit,
                "inputs": boxes,
                "piiri": [
                    f"/ogc/collections/cases/items?bbox={b}&limit={limit}"
                    for b in boxes
                ],
                "tipg": [
                    f"/collections/{cases}/items?bbox={b}&limit={limit}"
                    f"&properties={item_props}"
                    for b in boxes
                ],
                "sql": [f"/items?bbox={b}&limit={limit}&count=1" for b in boxes],
                "sql_nocount": [
                    f"/items?bbox={b}&limit={limit}&count=0" for b in boxes
                ],
            }
        )
    return found


def warm_up_paths(tile_template: str) -> dict[str, list[str]]:
    """Requests outside the measured lists (z13, 2 km boxes): each worker's
    first requests open its database connection and load PROJ; unmeasured,
    for every server alike."""
    rng = random.Random(SEED + 1)
    chosen = tiles(13, 200, rng)
    boxes = bboxes(2, 200, rng)
    cases = peers.TIPG_CASES
    return {
        "piiri": [tile_template.format(z=z, x=x, y=y) for z, x, y in chosen]
        + [f"/ogc/collections/cases/items?bbox={b}&limit=10" for b in boxes],
        "tipg": [
            f"/collections/{cases}/tiles/WebMercatorQuad/{z}/{x}/{y}"
            for z, x, y in chosen
        ]
        + [f"/collections/{cases}/items?bbox={b}&limit=10" for b in boxes],
        "sql": [f"/tile/{z}/{x}/{y}" for z, x, y in chosen]
        + [f"/items?bbox={b}&limit=10&count=1" for b in boxes],
    }


# -- the raw SQL, built by the app's own code ---------------------------------


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PIIRI_DEV", "1")
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)


def tile_fields() -> tuple[str, ...]:
    from maps.layers import LAYERS

    return LAYERS["cases"].tile_fields


def item_properties() -> tuple[str, ...]:
    from maps.layers import LAYERS

    return LAYERS["cases"].properties


def _plain(params: tuple) -> list[Any]:
    """Parameters as JSON: geometries as hex EWKB (bench/sqlserver.py)."""
    out: list[Any] = []
    for p in params:
        if hasattr(p, "ewkb"):
            out.append({"ewkb_hex": bytes(p.ewkb).hex()})
        elif isinstance(p, int | float | str):
            out.append(int(p) if isinstance(p, int) else p)
        else:
            raise TypeError(f"cannot send {type(p).__name__} to the SQL server")
    return out


def statement_builders() -> dict[str, Callable[..., tuple[str, list[Any]]]]:
    """The SQL of a tile (capped points, geo.tiles.tile_sql, as the app's
    point tiles) and of an items page with or without numberMatched
    (geo.geojson.feature_page_sql, as maps.ogc.items), with JSON params.
    Each is compiled once, as geo.tiles.CompiledTile does: a request only
    swaps in its tile or its bbox."""
    from django.contrib.auth.models import AnonymousUser

    from geo.geojson import feature_page_sql
    from geo.params import Tile, parse_bbox
    from geo.tiles import CompiledTile
    from maps.layers import LAYERS
    from maps.tiles import tile_options

    cases = LAYERS["cases"]
    viewer = AnonymousUser()
    compiled_tile = CompiledTile(cases.rows(viewer), **tile_options(cases))
    sentinel_bbox = "1.25,2.5,3.75,5.0"
    sentinel = bytes(parse_bbox(sentinel_bbox).ewkb).hex()
    pages: dict[tuple[int, bool], tuple[str, list[Any]]] = {}

    def tile(z: int, x: int, y: int) -> tuple[str, list[Any]]:
        params = list(compiled_tile.params)
        for position, axis in compiled_tile.slots:
            params[position] = Tile(z, x, y)[axis]
        return compiled_tile.sql, _plain(tuple(params))

    def page(limit: int, count: bool) -> tuple[str, list[Any]]:
        rows = cases.feature_rows(viewer).filter(
            **{f"{cases.geometry}__intersects": parse_bbox(sentinel_bbox)}
        )
        sql, params = feature_page_sql(
            rows,
            geometry=cases.geometry,
            properties=cases.properties,
            id_field=cases.id_field,
            offset=0,
            limit=limit,
        )
        if not count:
            # The same statement with the count of all matches left out.
            count_sql, count_params = (
                rows.order_by().values("pk").query.sql_with_params()
            )
            counted = f"(SELECT count(*) FROM ({count_sql}) AS c)"
            if counted not in sql:
                raise RuntimeError("feature_page_sql changed shape: update the bench")
            sql, params = sql.replace(counted, "NULL", 1), params[len(count_params) :]
        return sql, _plain(params)

    def items(bbox: str, limit: int, count: bool) -> tuple[str, list[Any]]:
        if (limit, count) not in pages:
            pages[limit, count] = page(limit, count)
        sql, params = pages[limit, count]
        geometry = {"ewkb_hex": bytes(parse_bbox(bbox).ewkb).hex()}
        swapped = [geometry if p == {"ewkb_hex": sentinel} else p for p in params]
        return sql, swapped

    return {"tile": tile, "items": items}


def raw_statements(loads: list[dict[str, Any]], extra: list[str]) -> dict[str, Any]:
    build = statement_builders()
    found: dict[str, Any] = {}
    paths = [p for w in loads for p in w["sql"] + w.get("sql_nocount", [])]
    for path in [*paths, *extra]:
        if path in found:
            continue
        parts = urlsplit(path)
        if parts.path.startswith("/tile/"):
            z, x, y = (int(v) for v in parts.path.split("/")[2:])
            # Prepared, as the app's tiles (CompiledTile).
            found[path] = [*build["tile"](z, x, y), True]
        else:
            query = dict(q.split("=", 1) for q in parts.query.split("&"))
            # Planned for its values each time, as the app's items pages
            # (geo.geojson.CompiledPage): prepared, the generic plan sorts
            # every match in the bbox, 4-5x slower.
            found[path] = [
                *build["items"](
                    query["bbox"], int(query["limit"]), query["count"] == "1"
                ),
                False,
            ]
    return found


# -- running ------------------------------------------------------------------


def prime(base: str, paths: list[str]) -> dict[str, int]:
    """Ask for every path once, so a cache between holds it."""
    from concurrent.futures import ThreadPoolExecutor

    statuses: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=120) as client:

        def one(path: str) -> None:
            statuses[path] = client.get(path).status_code

        with ThreadPoolExecutor(PRIME_CONCURRENCY) as pool:
            list(pool.map(one, paths))
    bad = sum(1 for s in statuses.values() if not 200 <= s < 300)
    return {"primed": len(paths), "non_2xx": bad}


def measure(base: str, paths: list[str], **options: Any) -> dict[str, Any]:
    return run_wrk(base, paths, seconds=DURATION, connections=CONCURRENCY, **options)


def tile_template(base: str) -> str:
    """The tile URL the map uses, from the layer's TileJSON (so a versioned
    URL is measured as served), as a path template."""
    document = httpx.get(f"{base}/tiles/cases.json", timeout=60).json()
    parts = urlsplit(document["tiles"][0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def already_loaded(url: str, n: int) -> bool:
    """A database a previous run left: ``n`` synthetic cases, every migration
    applied. Then load_helsinki (most of a minute) is not run again."""
    try:
        with psycopg.connect(psycopg_url(url)) as conn:
            (have,) = conn.execute(
                "SELECT count(*) FROM cases_case WHERE diary_number LIKE 'SYN %%'"
            ).fetchone()
    except psycopg.Error:
        return False
    if have != n:
        return False
    check = subprocess.run(
        [PY, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "PIIRI_DEV": "1"},
        capture_output=True,
        check=False,
    )
    return check.returncode == 0


def run_size(n: int, with_nginx: bool) -> dict[str, Any]:
    started = time.monotonic()
    url = bench_database_url(f"piiri_bench_{n}")
    if already_loaded(url, n):
        print(f"==> {n:,}: reusing {url.rsplit('/', 1)[1]}", file=sys.stderr)
    else:
        prepare_database(url)
        load_cases(url, n)
    tune(url)
    _django(url)
    peers.collectstatic(url)
    cells: list[dict[str, Any]] = []
    with ExitStack() as stack:
        piiri = stack.enter_context(peers.piiri(url))
        template = tile_template(piiri.base)
        loads = workloads(template)
        warm = warm_up_paths(template)
        print(f"==> {n:,}: building the raw SQL of every request", file=sys.stderr)
        sql = stack.enter_context(
            peers.sql_server(url, raw_statements(loads, warm["sql"]))
        )
        tipg = stack.enter_context(peers.tipg(url))
        nginx = (
            stack.enter_context(peers.nginx(peers.PORTS["piiri"]))
            if with_nginx
            else None
        )
        bases = {"sql": sql.base, "tipg": tipg.base, "piiri": piiri.base}
        for target, base in bases.items():
            run_wrk(base, warm[target], seconds=WARM_UP_SECONDS, connections=16)
        if nginx:
            run_wrk(nginx.base, warm["piiri"], seconds=WARM_UP_SECONDS, connections=16)
        for load in loads:
            plan: list[tuple[str, str, list[str], dict[str, Any]]] = [
                ("sql", sql.base, load["sql"], {}),
            ]
            if "sql_nocount" in load:
                plan.append(("sql_nocount", sql.base, load["sql_nocount"], {}))
            plan += [
                ("tipg", tipg.base, load["tipg"], {}),
                ("piiri", piiri.base, load["piiri"], {}),
            ]
            if nginx:
                warm_list = load["piiri"][
                    : WARM_TILES if load["kind"] == "tile" else WARM_ITEMS
                ]
                plan += [
                    ("cold", nginx.base, load["piiri"], {"unique": True}),
                    ("warm", nginx.base, warm_list, {"prime": True}),
                ]
            for target, base, paths, options in plan:
                primed = prime(base, paths) if options.pop("prime", False) else None
                result = measure(base, paths, **options)
                cell = {"size": n, "workload": load["name"], "target": target, **result}
                if primed:
                    cell["primed"] = primed
                print(json.dumps(cell), file=sys.stderr)
                cells.append(cell)
    return {
        "size": n,
        "database": url.rsplit("/", 1)[1],
        "wall_seconds": round(time.monotonic() - started),
        "cells": cells,
    }


# -- the report ---------------------------------------------------------------


def rps(
    cells: list[dict[str, Any]], n: int, workload: str, target: str
) -> float | None:
    for cell in cells:
        if (cell["size"], cell["workload"], cell["target"]) == (n, workload, target):
            return cell["rps"]
    return None


def cell_of(
    cells: list[dict[str, Any]], n: int, workload: str, target: str
) -> dict[str, Any]:
    for cell in cells:
        if (cell["size"], cell["workload"], cell["target"]) == (n, workload, target):
            return cell
    return {}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def targets(
    cells: list[dict[str, Any]], sizes: list[int], piiri: str
) -> list[dict[str, Any]]:
    """Each target of issue 19 this bench measures, met or not, per size."""
    found = []

    def check(
        n: int, name: str, measured: float | None, goal: float, *, below: bool = False
    ) -> None:
        met = (
            None
            if measured is None
            else (measured < goal if below else measured >= goal)
        )
        found.append(
            {
                "size": n,
                "target": name,
                "goal": f"{'<' if below else '>='} {goal:g}",
                "measured": "n/a" if measured is None else measured,
                "met": "n/a" if met is None else ("met" if met else "**not met**"),
            }
        )

    for n in sizes:
        for z in ZOOMS:
            w = f"tiles z{z}"
            check(
                n,
                f"warm {w} / raw SQL",
                ratio(rps(cells, n, w, "warm"), rps(cells, n, w, "sql")),
                2,
            )
        for z, goal in ((14, 0.75), (16, 0.3)):
            w = f"tiles z{z}"
            check(
                n,
                f"cold {w} / raw SQL",
                ratio(rps(cells, n, w, piiri), rps(cells, n, w, "sql")),
                goal,
            )
            check(
                n,
                f"cold {w} / TiPg",
                ratio(rps(cells, n, w, piiri), rps(cells, n, w, "tipg")),
                2,
            )
        for z in (10, 12):
            w = f"tiles z{z}"
            check(
                n,
                f"cold {w} / raw SQL of capped points",
                ratio(rps(cells, n, w, piiri), rps(cells, n, w, "sql")),
                3,
            )
            size_kb = cell_of(cells, n, w, piiri).get("body_bytes_per_response")
            check(
                n,
                f"{w} KB per tile",
                None if size_kb is None else round(size_kb / 1024, 1),
                50,
                below=True,
            )
        for limit in LIMITS:
            w = f"items, {BBOX_KM:g} km bbox, limit {limit}"
            check(
                n,
                f"{w} / raw SQL with count",
                ratio(rps(cells, n, w, piiri), rps(cells, n, w, "sql")),
                0.5,
            )
            check(
                n,
                f"{w} / TiPg",
                ratio(rps(cells, n, w, piiri), rps(cells, n, w, "tipg")),
                3,
            )
    return found


def issue_table(
    cells: list[dict[str, Any]], sizes: list[int], names: list[str], piiri: str
) -> str:
    columns = ["workload"]
    for n in sizes:
        k = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        columns += [
            f"{k}: raw SQL",
            "TiPg",
            "Piiri direct",
            "Piiri cold",
            "Piiri warm",
            "Piiri/TiPg",
            "Piiri/SQL",
            "warm/SQL",
        ]
    # Rows as lists: the sizes repeat the column names (TiPg, Piiri ...),
    # which a dict per row would fold into the last size's values.
    rows: list[list[str]] = []
    for name in names:
        values: list[str] = [name]
        for n in sizes:
            sql = rps(cells, n, name, "sql")
            nocount = rps(cells, n, name, "sql_nocount")
            ours = rps(cells, n, name, piiri)
            raw = (
                fmt(sql)
                if nocount is None
                else f"{fmt(nocount)} (with numberMatched {fmt(sql)})"
            )
            suffix = "" if nocount is None else " of SQL+count"
            values += [
                raw,
                fmt(rps(cells, n, name, "tipg")),
                fmt(rps(cells, n, name, "piiri")),
                fmt(rps(cells, n, name, "cold")),
                fmt(rps(cells, n, name, "warm")),
                str(ratio(ours, rps(cells, n, name, "tipg")) or "n/a"),
                f"{ratio(ours, sql) or 'n/a'}{suffix}",
                str(ratio(rps(cells, n, name, "warm"), sql) or "n/a"),
            ]
        assert len(values) == len(columns)
        rows.append(values)
    lines = ["| " + " | ".join(columns) + " |", "|---|" + "---:|" * (len(columns) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def detail_rows(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "size": f"{c['size']:,}",
            "workload": c["workload"],
            "server": c["target"],
            "req/s": c["rps"],
            "p50 ms": c["p50_ms"],
            "p99 ms": c["p99_ms"],
            "requests": c["requests"],
            "non-2xx": c["non_2xx"],
            "socket errors": c["socket_errors"],
            "body bytes": f"{c['body_bytes_per_response']:,}",
            "distinct URLs": c["distinct_paths"],
            "cache hits": c.get("cache_hits", ""),
        }
        for c in cells
    ]


def main() -> None:
    started = time.monotonic()
    with_nginx = peers.have_nginx()
    piiri = "cold" if with_nginx else "piiri"
    tools = {"wrk": wrk_version(), **peers.versions()}
    runs = [run_size(n, with_nginx) for n in SIZES]
    tools.update(peers.postgres_versions(bench_database_url(f"piiri_bench_{SIZES[0]}")))
    cells = [c for r in runs for c in r["cells"]]
    checked = targets(cells, SIZES, piiri)
    wall = round(time.monotonic() - started)
    data = {
        "sizes": SIZES,
        "seed": SEED,
        "data": (
            "real Helsinki areas (load_helsinki) + N synthetic cases "
            f"(bench/synthetic.py, seed {SEED}, labelled SYNTHETIC)"
        ),
        "concurrency": CONCURRENCY,
        "seconds_per_cell": DURATION,
        "bbox_km": BBOX_KM,
        "nginx": with_nginx,
        "piiri_compared": piiri,
        "tools": tools,
        "wall_seconds": wall,
        "runs": runs,
        "targets": checked,
    }
    write_results("layers_wrk", data, markdown_of(data))


def markdown_of(data: dict[str, Any]) -> str:
    """The report of a run, from its JSON alone (so ``--report`` can render
    it again without measuring)."""
    with_nginx, runs, tools = data["nginx"], data["runs"], data["tools"]
    wall, checked, piiri = data["wall_seconds"], data["targets"], data["piiri_compared"]
    sizes = data["sizes"]
    cells = [c for r in runs for c in r["cells"]]
    names = list(dict.fromkeys(c["workload"] for c in cells))
    through = (
        "Piiri cold (through nginx, every URL unique)"
        if with_nginx
        else "Piiri direct (gunicorn; no scripts/nginx in this tree, so no cold/warm)"
    )
    per_size = ", ".join(f"{r['size']:,}: {r['wall_seconds']} s" for r in runs)
    return f"""
Data: real Helsinki areas + {" / ".join(f"{n:,}" for n in sizes)} synthetic
cases (bench/synthetic.py, seed {SEED}, labelled SYNTHETIC; one database per
size). wrk -c{data["concurrency"]} -t2, {data["seconds_per_cell"]:g} s per cell,
interleaved: every workload runs against each server in turn before the next
workload. Each
client cycles through a fixed, seeded list of distinct tiles (up to
{TILE_LIST:,} per zoom over the city) or {BBOX_KM:g} km bboxes ({ITEM_LIST:,}).
Tools: {", ".join(f"{k} {v}" for k, v in tools.items())}. Wall time
{wall // 60} min {wall % 60} s ({per_size}).

- **raw SQL**: the statement Piiri sends (built by geo.tiles.tile_sql and
  geo.geojson.feature_page_sql, capped points at every zoom), prepared
  through psycopg, one connection per client, behind a minimal HTTP server
  (bench/sqlserver.py); items as the page alone, and with numberMatched.
- **TiPg** {tools.get("tipg")}: 2 uvicorn workers, same database, tiles and
  items with the same properties and caps.
- **Piiri direct**: gunicorn as `make serve` runs it (config/gunicorn.py).
- **Piiri cold / warm**: through nginx (scripts/nginx): cold with a unique
  `_bench=` argument on every URL so the cache cannot answer, warm over the
  first {WARM_TILES} tiles / {WARM_ITEMS} pages of the list, each requested
  once before.

Ratios use {through}.

## Requests per second at concurrency {data["concurrency"]}

{issue_table(cells, sizes, names, piiri)}

## Targets

{TARGETS_NOTE}

{table(checked, ["size", "target", "goal", "measured", "met"])}

## Every cell

{table(detail_rows(cells), list(detail_rows(cells)[0]))}
"""


def report_again() -> None:
    """``python -m bench.layers_wrk --report``: the Markdown of the
    committed JSON rendered again (its machine block, commit included, is
    the run's own)."""
    data = json.loads((RESULTS / "layers_wrk.json").read_text())
    write_markdown("layers_wrk", data, markdown_of(data))


if __name__ == "__main__":
    report_again() if "--report" in sys.argv[1:] else main()
