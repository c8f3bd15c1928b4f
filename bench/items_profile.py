"""The OGC items page's cost per request in one process, without HTTP:
Django's test Client against a benchmark database, the compiled statement
(maps.ogc.compiled_page) against the ORM path every filtered request
takes, interleaved, then a profile of the compiled one.

Reads only: the connection is opened read-only (PGOPTIONS). Not part of
``make bench``; run it on a database bench/run.py has filled:

    DATABASE_URL=postgis://postgres@127.0.0.1:54329/piiri_bench_100000 \\
        PIIRI_DEV=1 .venv/bin/python -m bench.items_profile

BENCH_ITEMS_N (requests per cell, default 500), BENCH_BBOX_KM (5).
"""

import cProfile
import io
import logging
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable

os.environ["PGOPTIONS"] = "-c default_transaction_read_only=on"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402

from bench.layers import SEED, bboxes  # noqa: E402
from maps import ogc  # noqa: E402

N = int(os.environ.get("BENCH_ITEMS_N", 500))
BBOX_KM = float(os.environ.get("BENCH_BBOX_KM", 5))
# (limit, count): counted is what wrk's distinct bboxes cost; count=false
# is the page alone, as a kept count leaves it.
CELLS = ((100, True), (1000, True), (100, False), (1000, False))
ROUNDS = 5


def orm_path() -> Callable[[], None]:
    """Send every request down the ORM path (as before the compiled page);
    returns the undo."""
    compiled_rows = ogc.compiled_rows
    ogc.compiled_rows = lambda layer, params: False  # type: ignore[assignment]

    def undo() -> None:
        ogc.compiled_rows = compiled_rows  # type: ignore[assignment]

    return undo


def timed(client: Client, paths: list[str]) -> list[float]:
    found = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        found.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:200]
    return found


def main() -> None:
    logging.disable(logging.CRITICAL)
    client = Client(HTTP_HOST="localhost")
    boxes = bboxes(BBOX_KM, N, random.Random(SEED))
    out = sys.stdout
    out.write(f"{N} requests per cell, {BBOX_KM:g} km bboxes, distinct\n")
    for limit, count in CELLS:
        paths = [
            f"/ogc/collections/cases/items?bbox={b}&limit={limit}"
            + ("" if count else "&count=false")
            for b in boxes
        ]
        times: dict[str, list[float]] = {"orm": [], "compiled": []}
        # Warm both paths (connection, compiled statement, prepared plans).
        for name in times:
            undo = orm_path() if name == "orm" else (lambda: None)
            timed(client, paths[:20])
            undo()
        per_round = len(paths) // ROUNDS
        for i in range(ROUNDS):
            chunk = paths[i * per_round : (i + 1) * per_round]
            for name in ("orm", "compiled") if i % 2 else ("compiled", "orm"):
                # Every bbox counted, as distinct bboxes are in wrk's run.
                caches["counts"].clear()
                undo = orm_path() if name == "orm" else (lambda: None)
                times[name] += timed(client, chunk)
                undo()
        for name, found in times.items():
            cell = f"limit {limit:5} count={str(count).lower():5} {name:9}"
            out.write(
                f"{cell} mean {statistics.mean(found):6.2f} ms"
                f"  median {statistics.median(found):6.2f} ms\n"
            )
    caches["counts"].clear()
    paths = [f"/ogc/collections/cases/items?bbox={b}&limit=100" for b in boxes]
    profile = cProfile.Profile()
    profile.enable()
    timed(client, paths)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(15)
    out.write(f"\ncompiled, limit 100, {N} requests, by own time:\n")
    out.write(text.getvalue())


if __name__ == "__main__":
    main()
