"""Drive HTTP with wrk (Debian's package, a C load generator) over a fixed
list of paths, through bench/wrk.lua.

    run_wrk("http://127.0.0.1:8133", ["/tiles/cases/14/9326/4743.pbf"],
            seconds=15, connections=8)
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk.lua")


def wrk_version() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: run scripts/bootstrap bench")
    # `wrk -v` prints its banner and exits 1.
    out = subprocess.run([found, "-v"], capture_output=True, text=True, check=False)
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
    return (out.stdout or out.stderr).split()[1]


def run_wrk(
    base: str,
    paths: list[str],
    *,
    seconds: float,
    connections: int = 8,
    threads: int = 2,
    unique: bool = False,
) -> dict[str, Any]:
    """Requests per second, latency percentiles, non-2xx responses and bytes
    per response of ``connections`` keep-alive clients cycling through
    ``paths`` for ``seconds``. ``unique`` makes every URL unique (cold)."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as file:
        file.write("\n".join(paths) + "\n")
    command = [
        "wrk",
        f"-c{connections}",
        f"-t{min(threads, connections)}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPT),
        base,
        "--",
        file.name,
        *(["unique"] if unique else []),
    ]
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        Path(file.name).unlink()
    raw = json.loads(out.stdout.strip().splitlines()[-1])
    seconds_run = raw["duration_us"] / 1e6
    requests = raw["requests"]
    return {
        "requests": requests,
        "seconds": round(seconds_run, 2),
        "rps": round(requests / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
        "body_bytes_per_response": (
            round(raw["body_bytes"] / raw["responses"]) if raw["responses"] else 0
        ),
        "bytes_per_response": round(raw["bytes"] / requests) if requests else 0,
        "distinct_paths": len(set(paths)),
        "cache_hits": raw["cache_hits"],
    }
