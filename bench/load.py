"""Mixed workload against the app served as `make serve` serves it.

What a budgeting vote day looks like (bench/vote_day.py): residents
browsing the map, opening area pages, planners running polygon queries,
and voters submitting ballots. Each client is a simulated person
behind the load balancer (NUM_PROXIES=1, one X-Forwarded-For address per
client), so per-client rate limits apply as they would in production;
their 429s are intended and counted apart from errors.

Stages at rising concurrency, then one long run at concurrency 32 that
samples the resident memory (RSS) of the gunicorn master and workers.

.venv/bin/python bench/run.py load                   # stages + 10 min
LOAD_STAGE_SECONDS=5 LOAD_LONG_SECONDS=30 ...         # a quick look
LOAD_WORKERS=uvicorn ...                              # ASGI workers instead

The load generator runs on the same machine as the server and the
database, so the numbers are a floor, not a capacity estimate.
"""

import asyncio
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, bench_database_url, stats, table, write_results
from bench.server import Server, free_port, serving
from bench.vote_day import BENCH_ROUND, MIX, Client, setup

STAGES = [1, 4, 16, 32]
STAGE_SECONDS = float(os.environ.get("LOAD_STAGE_SECONDS", 30))
LONG_SECONDS = float(os.environ.get("LOAD_LONG_SECONDS", 600))
LONG_CONCURRENCY = 32
MEMORY_EVERY_SECONDS = 10
OK = {200, 201, 204}  # 204: an empty tile


@contextmanager
def serve(url: str, workers_kind: str = "sync") -> Iterator[Server]:
    """The app as `make serve` runs it, behind one proxy (NUM_PROXIES=1)."""
    port = free_port()
    env = {
        "DATABASE_URL": url,
        "PIIRI_DEV": "1",
        "BIND": f"127.0.0.1:{port}",
        "STATIC_MANIFEST": "1",
        "NUM_PROXIES": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py"]
    if workers_kind == "uvicorn":
        command += ["-k", "uvicorn.workers.UvicornWorker", "config.asgi:application"]
    else:
        command += ["config.wsgi:application"]
    with serving(command, env, port=port, ready_path="/readyz") as server:
        yield server


def app_memory_mb(master_pid: int) -> float:
    """Resident memory of the gunicorn master and its workers."""
    pids = [master_pid]
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total_kb / 1024, 1)


async def run_load(
    base: str,
    data: dict[str, Any],
    *,
    concurrency: int,
    seconds: float,
    master_pid: int | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    samples: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[tuple[str, str]] = Counter()
    error_examples: list[str] = []
    memory: list[tuple[float, float]] = []
    started = time.monotonic()
    stop_at = started + seconds

    async def person(number: int) -> None:
        client = Client(number, data, random.Random(seed * 10_000 + number))
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
            memory.append(
                (round(time.monotonic() - started, 1), app_memory_mb(master_pid or 0))
            )
            await asyncio.sleep(MEMORY_EVERY_SECONDS)

    tasks = [person(n) for n in range(concurrency)]
    if master_pid:
        tasks.append(watch_memory())
    await asyncio.gather(*tasks)
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


def memory_verdict(memory: list[tuple[float, float]]) -> dict[str, Any]:
    after_minute = [mb for t, mb in memory if t >= 60]
    if not after_minute:
        return {}
    baseline = after_minute[0]
    worst = max(after_minute, key=lambda mb: abs(mb - baseline))
    return {
        "baseline_mb_after_1_min": baseline,
        "min_mb": min(after_minute),
        "max_mb": max(after_minute),
        "worst_deviation_pct": round(abs(worst - baseline) / baseline * 100, 1),
    }


def stage_row(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "concurrency": result["concurrency"],
        "rps": result["rps"],
        "p50_ms": result["all_ok"].get("p50_ms"),
        "p99_ms": result["all_ok"].get("p99_ms"),
        "ok": result["ok"],
        "429": result["rate_limited_429"],
        "errors": result["errors"],
    }


def kind_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "share_%": MIX[kind],
            "ok": row["ok"],
            "p50_ms": row.get("p50_ms", ""),
            "p99_ms": row.get("p99_ms", ""),
            "429": row["429"],
            "errors": row["errors"],
        }
        for kind, row in sorted(result["by_kind"].items())
    ]


def main() -> None:
    url = bench_database_url()
    data = setup(url)
    workers_kind = os.environ.get("LOAD_WORKERS", "sync")
    with serve(url, workers_kind) as (base, master_pid):
        stages = [
            asyncio.run(
                run_load(base, data, concurrency=c, seconds=STAGE_SECONDS, seed=c)
            )
            for c in STAGES
        ]
        long = asyncio.run(
            run_load(
                base,
                data,
                concurrency=LONG_CONCURRENCY,
                seconds=LONG_SECONDS,
                master_pid=master_pid,
                seed=99,
            )
        )
    verdict = memory_verdict(long["memory_mb"])
    long["memory"] = verdict
    memory_rows = [{"t_s": t, "rss_mb": mb} for t, mb in long["memory_mb"]]
    markdown = f"""
Mixed workload against gunicorn ({workers_kind} workers, config/gunicorn.py,
STATIC_MANIFEST=1, DEBUG off), the database `piiri_bench` (real Helsinki
areas, facilities and cases from fixtures; benchmark round {BENCH_ROUND} is
synthetic). Mix: {", ".join(f"{k} {v}%" for k, v in MIX.items())}. Each
simulated client has its own address behind one proxy (NUM_PROXIES=1), so
per-client rate limits apply; 429s are intended and are not errors. The
load generator shares the 2-CPU machine with the server and PostgreSQL
(and other work), so these are floors.

## Rising concurrency ({STAGE_SECONDS:.0f} s each)

{table([stage_row(s) for s in stages], list(stage_row(stages[0])))}

## {LONG_SECONDS / 60:.0f} minutes at concurrency {LONG_CONCURRENCY}

{table([stage_row(long)], list(stage_row(long)))}

{table(kind_rows(long), list(kind_rows(long)[0]))}

Errors (anything but 200/201 and 429, including timeouts): **{long["errors"]}**.
{"Examples: " + "; ".join(long["error_examples"]) if long["error_examples"] else ""}

App memory (RSS of gunicorn master + workers; workers recycle after
max_requests): after the first minute {verdict.get("baseline_mb_after_1_min")}
MB, then between {verdict.get("min_mb")} and {verdict.get("max_mb")} MB; worst
deviation {verdict.get("worst_deviation_pct")} % (target: within 20 %).

{table(memory_rows, ["t_s", "rss_mb"])}
"""
    name = "load" if workers_kind == "sync" else f"load_{workers_kind}"
    write_results(
        name,
        {"workers": workers_kind, "mix": MIX, "stages": stages, "long": long},
        markdown,
    )


if __name__ == "__main__":
    main()
