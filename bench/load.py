"""Mixed vote-day load against Piiri served as `make serve` serves it:
nginx (scripts/nginx) in front of gunicorn (config/gunicorn.py).

What a budgeting vote day looks like (bench/vote_day.py): residents
browsing the map, opening area pages, planners running polygon queries,
and voters submitting ballots, on the real Helsinki data (`manage.py
prepare` in the database ``piiri_load``; only the benchmark round is
synthetic). Each client is a simulated person behind a load balancer and
nginx (NUM_PROXIES=2, one X-Forwarded-For address per client), so
per-client rate limits apply as they would in production; their 429s are
intended and counted apart from errors.

One run at each concurrency (1, 8, 32) for LOAD_SECONDS (default 600),
sampling the memory (PSS) of every process that serves: the gunicorn
masters and workers, nginx's master and workers, and the PostgreSQL server
with its backends. PSS counts a page shared by n processes as 1/n in each,
so a group's sum is the memory it holds; summed RSS counts PostgreSQL's
shared buffers once per backend that touched them (and gunicorn's
preloaded app once per worker), and grows when a new backend starts.

    .venv/bin/python bench/run.py load                 # 3 x 10 min
    LOAD_SECONDS=30 .venv/bin/python bench/run.py load # a quick look
    LOAD_CONCURRENCY=32 ...                            # one level only
    BENCH_NGINX=0 ...                                  # gunicorn alone

The load generator (httpx, asyncio) runs on the same machine as the
servers and the database, so the numbers are a floor, not a capacity
estimate.
"""

import asyncio
import logging
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import django
import httpx

from bench import peers
from bench.common import bench_database_url, psycopg_url, stats, table, write_results
from bench.vote_day import BENCH_ROUND, MIX, Client, setup

LEVELS = [int(c) for c in os.environ.get("LOAD_CONCURRENCY", "1,8,32").split(",")]
SECONDS = float(os.environ.get("LOAD_SECONDS", 600))
MEMORY_EVERY_SECONDS = float(os.environ.get("LOAD_MEMORY_EVERY", 10))
OK = {200, 201, 204}  # 204: an empty tile
TILE_P99_TARGET_MS = 200
MEMORY_TARGET_PCT = 20
DATABASE = "piiri_load"


@contextmanager
def serve(url: str) -> Iterator[dict[str, int]]:
    """gunicorn and (when the tree has it) nginx as `make serve` runs them;
    yields the base URL and the process ids whose memory is sampled."""
    peers.collectstatic(url)
    with ExitStack() as stack:
        app = stack.enter_context(peers.piiri(url, NUM_PROXIES="2"))
        roots = {"gunicorn": app.pid, "postgres": postmaster_pid(url)}
        base = app.base
        if peers.have_nginx():
            # As `make serve`: tiles behind nginx have a pool of their own.
            tiles = stack.enter_context(
                peers.piiri(url, port=peers.PORTS["tiles"], NUM_PROXIES="2")
            )
            roots["gunicorn_tiles"] = tiles.pid
            front = stack.enter_context(
                peers.nginx(peers.PORTS["piiri"], tile_port=peers.PORTS["tiles"])
            )
            roots["nginx"] = front.pid
            base = front.base
        yield {"base": base, **roots}  # type: ignore[dict-item]


def postmaster_pid(url: str) -> int:
    import psycopg

    with psycopg.connect(psycopg_url(url)) as conn:
        (directory,) = conn.execute("SHOW data_directory").fetchone()
    return int((Path(directory) / "postmaster.pid").read_text().split()[0])


def process_tree(root: int) -> list[int]:
    pids = [root]
    children = Path(f"/proc/{root}/task/{root}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    return pids


def pss_mb(pid: int) -> float | None:
    """The process's proportional set size (Linux 4.14+ smaps_rollup)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def memory_sample(roots: dict[str, int]) -> dict[str, Any]:
    """PSS of every process under each root (the root and its children):
    the total per group and each process alone."""
    sample: dict[str, Any] = {}
    for group, root in roots.items():
        each = {pid: pss_mb(pid) for pid in process_tree(root)}
        alive = {str(pid): mb for pid, mb in each.items() if mb is not None}
        sample[group] = {
            "total_mb": round(sum(alive.values()), 1),
            "processes": len(alive),
            "pss_mb": alive,
        }
    return sample


async def run_load(
    base: str,
    data: dict[str, Any],
    *,
    concurrency: int,
    seconds: float,
    roots: dict[str, int],
    seed: int = 1,
    first_client: int = 0,
) -> dict[str, Any]:
    samples: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[tuple[str, str]] = Counter()
    error_examples: list[str] = []
    memory: list[dict[str, Any]] = []
    started = time.monotonic()
    stop_at = started + seconds

    async def person(number: int) -> None:
        # Numbered apart per run, so no voter of one run votes again in the next.
        client = Client(
            first_client + number, data, random.Random(seed * 10_000 + number)
        )
        headers = {"X-Forwarded-For": client.ip, "Accept": "*/*"}
        # Generous: on a starved shared machine queueing alone takes seconds.
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            while time.monotonic() < stop_at:
                kind, method, path, extra = client.request()
                t0 = time.perf_counter()
                try:
                    response = await http.request(
                        method, path, headers=headers, **extra
                    )
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = 0
                    if len(error_examples) < 10:
                        error_examples.append(f"{kind} {path}: {error!r}")
                elapsed = (time.perf_counter() - t0) * 1000
                if status in OK:
                    samples[kind].append(elapsed)
                    samples["all"].append(elapsed)
                    outcomes[(kind, "ok")] += 1
                elif status == 429:
                    outcomes[(kind, "429")] += 1
                else:
                    outcomes[(kind, "error")] += 1
                    if status and len(error_examples) < 10:
                        error_examples.append(
                            f"{kind} {method} {path}: {status} {response.text[:120]}"
                        )

    async def watch_memory() -> None:
        while time.monotonic() < stop_at:
            t = round(time.monotonic() - started, 1)
            memory.append({"t_s": t, **memory_sample(roots)})
            await asyncio.sleep(MEMORY_EVERY_SECONDS)

    await asyncio.gather(*[person(n) for n in range(concurrency)], watch_memory())
    wall = time.monotonic() - started
    by_kind = {
        kind: {
            **stats(values, wall),
            "ok": outcomes[(kind, "ok")],
            "429": outcomes[(kind, "429")],
            "errors": outcomes[(kind, "error")],
        }
        for kind, values in samples.items()
        if kind != "all"
    }
    for kind in MIX:
        by_kind.setdefault(
            kind,
            {
                "n": 0,
                "ok": 0,
                "429": outcomes[(kind, "429")],
                "errors": outcomes[(kind, "error")],
            },
        )
    total = sum(outcomes.values())
    return {
        "concurrency": concurrency,
        "seconds": round(wall, 1),
        "requests": total,
        "rps": round(total / wall, 1),
        "ok": sum(v for (k, o), v in outcomes.items() if o == "ok"),
        "rate_limited_429": sum(v for (k, o), v in outcomes.items() if o == "429"),
        "errors": sum(v for (k, o), v in outcomes.items() if o == "error"),
        "all_ok": stats(samples["all"], wall) if samples["all"] else {},
        "by_kind": by_kind,
        "error_examples": error_examples,
        "memory_mb": memory,
    }


def memory_verdict(memory: list[dict[str, Any]], group: str) -> dict[str, Any]:
    """Whether a group's total PSS stays flat: its samples after the first
    minute (workers warm, caches filled) against the first of them."""
    after_minute = [m[group]["total_mb"] for m in memory if m["t_s"] >= 60]
    if not after_minute:
        after_minute = [m[group]["total_mb"] for m in memory[1:]]
    if not after_minute or not after_minute[0]:
        return {"group": group}
    baseline = after_minute[0]
    worst = max(after_minute, key=lambda mb: abs(mb - baseline))
    deviation = round(abs(worst - baseline) / baseline * 100, 1)
    return {
        "group": group,
        "baseline_mb": baseline,
        "min_mb": min(after_minute),
        "max_mb": max(after_minute),
        "last_mb": after_minute[-1],
        "worst_deviation_pct": deviation,
        "flat": deviation <= MEMORY_TARGET_PCT,
    }


def level_row(result: dict[str, Any]) -> dict[str, Any]:
    tiles = result["by_kind"].get("tile", {})
    return {
        "concurrency": result["concurrency"],
        "seconds": result["seconds"],
        "req/s": result["rps"],
        "p50 ms": result["all_ok"].get("p50_ms"),
        "p99 ms": result["all_ok"].get("p99_ms"),
        "tiles p99 ms": tiles.get("p99_ms"),
        "ok": result["ok"],
        "429": result["rate_limited_429"],
        "errors": result["errors"],
    }


def kind_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "concurrency": result["concurrency"],
            "kind": kind,
            "share %": MIX[kind],
            "ok": row["ok"],
            "p50 ms": row.get("p50_ms", ""),
            "p99 ms": row.get("p99_ms", ""),
            "429": row["429"],
            "errors": row["errors"],
        }
        for kind, row in sorted(result["by_kind"].items())
    ]


def memory_rows(result: dict[str, Any], groups: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "c": result["concurrency"],
            "t s": m["t_s"],
            **{f"{g} MB ({m[g]['processes']} proc)": m[g]["total_mb"] for g in groups},
        }
        for m in result["memory_mb"]
    ]


def main() -> None:
    url = bench_database_url(DATABASE)
    # The voters' identity codes follow the app's rule (bench/vote_day.py).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # Django's logging config would log every request the load makes.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data = setup(url)
    runs = []
    with serve(url) as served:
        base = served.pop("base")  # type: ignore[misc]
        roots = dict(served)
        for index, concurrency in enumerate(LEVELS):
            print(f"==> load at concurrency {concurrency}", file=sys.stderr)
            runs.append(
                asyncio.run(
                    run_load(
                        str(base),
                        data,
                        concurrency=concurrency,
                        seconds=SECONDS,
                        roots=roots,
                        seed=concurrency,
                        first_client=index * 1000,
                    )
                )
            )
    groups = list(roots)
    for run in runs:
        run["memory"] = [memory_verdict(run["memory_mb"], g) for g in groups]
    top = max(runs, key=lambda r: r["concurrency"])
    tiles_p99 = top["by_kind"].get("tile", {}).get("p99_ms")
    errors = sum(r["errors"] for r in runs)
    verdicts = [v for r in runs for v in r["memory"]]
    flat = all(v.get("flat") for v in verdicts)
    targets = [
        {"target": "no errors", "measured": errors, "met": errors == 0},
        {
            "target": f"tiles p99 < {TILE_P99_TARGET_MS} ms at concurrency "
            f"{top['concurrency']}",
            "measured": tiles_p99,
            "met": tiles_p99 is not None and tiles_p99 < TILE_P99_TARGET_MS,
        },
        {
            "target": f"memory flat (each group within {MEMORY_TARGET_PCT} % "
            "after the first minute)",
            "measured": max(v.get("worst_deviation_pct", 0) for v in verdicts),
            "met": flat,
        },
    ]
    for t in targets:
        t["met"] = "met" if t["met"] else "**not met**"
    through = "nginx (scripts/nginx) in front of " if "nginx" in roots else ""
    if "gunicorn_tiles" in roots:
        through += "two pools of "
    examples = [e for r in runs for e in r["error_examples"]][:10]
    verdict_rows = [
        {"c": r["concurrency"], **{k: v for k, v in m.items() if k != "flat"}}
        for r in runs
        for m in r["memory"]
    ]
    mix = ", ".join(f"{k} {v}%" for k, v in MIX.items())
    tools = {
        **peers.server_versions(),
        **peers.postgres_versions(url),
        "httpx": version("httpx"),
    }
    samples = [m for r in runs for m in memory_rows(r, groups)]
    markdown = f"""
Mixed vote-day load against {through}gunicorn (config/gunicorn.py sync
workers, STATIC_MANIFEST=1, DEBUG off; with nginx, /tiles/ goes to a pool
of its own, as in `make serve`), the database `{DATABASE}` (real
Helsinki areas, facilities and cases from fixtures via `manage.py prepare`;
benchmark round {BENCH_ROUND} is synthetic). Mix: {mix}.
Each simulated client has its own address behind a load balancer and
nginx (NUM_PROXIES=2), so per-client rate limits apply; 429s are intended
and are not errors. {SECONDS / 60:g} min at each concurrency. The load
generator (httpx, asyncio) shares the machine ({os.cpu_count()} CPUs) with
the servers and PostgreSQL, so these are floors. Tools:
{", ".join(f"{k} {v}" for k, v in tools.items())}.

## Targets (issue 19)

{table(targets, ["target", "measured", "met"])}

## Per concurrency

{table([level_row(r) for r in runs], list(level_row(runs[0])))}

## Per request kind

{table([k for r in runs for k in kind_rows(r)], list(kind_rows(runs[0])[0]))}

Errors (anything but 200/201/204 and 429, including timeouts): **{errors}**.
{"Examples: " + "; ".join(examples) if examples else ""}

## Memory (PSS, MB, total per group: {", ".join(groups)})

Every {MEMORY_EVERY_SECONDS:g} s; each process's own PSS is in load.json.
PSS splits a shared page among the processes that map it, so a group's
total is what it holds: PostgreSQL's shared buffers count once, not once
per backend, and gunicorn's preloaded app once, not once per worker.
gunicorn workers recycle after max_requests.

{table(verdict_rows, list(verdict_rows[0]))}

{table(samples, list(samples[0]))}
"""
    write_results(
        "load",
        {
            "database": DATABASE,
            "mix": MIX,
            "seconds_per_level": SECONDS,
            "nginx": "nginx" in roots,
            "tools": tools,
            "targets": targets,
            "runs": runs,
        },
        markdown,
    )


if __name__ == "__main__":
    main()
