"""Shared benchmark plumbing: a separate database, timing, and result files.

Every benchmark writes ``bench/results/<name>.json`` (all numbers) and
``bench/results/<name>.md`` (the table a person reads), with the machine
and commit it ran on.
"""

import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable

# Helsinki's land, roughly: where synthetic points and random queries go.
HELSINKI_BBOX = (24.83, 60.13, 25.25, 60.30)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The Web Mercator tile (z, x, y) holding a WGS84 point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def bench_database_url(name: str = "piiri_bench") -> str:
    """DATABASE_URL of the benchmark database on the same server."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{name}"))


def prepare_database(url: str) -> None:
    """Create the benchmark database if needed, migrate it and load Helsinki."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "PIIRI_DEV": "1"}
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["createcachetable"],
        ["load_helsinki"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)


def psycopg_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


def stats(samples_ms: list[float], wall_s: float | None = None) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    result = {
        "n": len(ordered),
        "p50_ms": round(pct(50), 3),
        "p90_ms": round(pct(90), 3),
        "p99_ms": round(pct(99), 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }
    if wall_s:
        result["rps"] = round(len(ordered) / wall_s, 1)
    return result


def time_each(
    call: Callable[[Any], object], inputs: Iterable[Any], *, label: str
) -> dict[str, float]:
    from tqdm import tqdm

    inputs = list(inputs)
    samples = []
    start = time.perf_counter()
    for item in tqdm(inputs, desc=label, file=sys.stderr, mininterval=1):
        t0 = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - t0) * 1000)
    return stats(samples, time.perf_counter() - start)


def random_points(n: int, *, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    west, south, east, north = HELSINKI_BBOX
    return [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(n)]


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def machine() -> dict[str, Any]:
    full = _git("rev-parse", "HEAD")
    # Uncommitted changes to tracked files: the commit alone does not say
    # what ran. Result files themselves do not count.
    dirty = bool(
        _git(
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":!bench/results",
        )
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": full[:7] + ("-dirty" if dirty else ""),
        "commit_full": full,
        "dirty": dirty,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def write_results(name: str, data: dict[str, Any], markdown: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "machine": machine(), **data}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    return write_markdown(name, data, markdown)


def write_markdown(name: str, data: dict[str, Any], markdown: str) -> Path:
    """The Markdown beside ``data``, headed by the machine block the run
    recorded."""
    header = (
        f"# Benchmark: {name}\n\n"
        f"Run {data['machine']['date']} on commit {data['machine']['commit']}, "
        f"{data['machine']['cpus']} CPUs, Python {data['machine']['python']}.\n\n"
    )
    path = RESULTS / f"{name}.md"
    path.write_text(header + markdown.strip() + "\n")
    print(f"==> wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return path


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)
