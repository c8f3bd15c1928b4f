"""The residents' map under load: first render of the map page with every
item layer on, over 100,000 synthetic cases (bench/synthetic.py via
bench.layers.load_cases), in headless Chromium (Debian's /usr/bin/chromium).

Measured per run, each in a fresh browser context (cold cache): the time
from navigation until the network is idle with all layers drawn, and the
largest single response. The goal (issue 5): under 3 s, no response over
1 MB.

    .venv/bin/python bench/run.py mappage
"""

import os
import statistics
import sys
import time
from typing import Any

from playwright.sync_api import sync_playwright

from bench.common import bench_database_url, prepare_database, write_results
from bench.layers import load_cases, tune
from bench.server import app_server

CASES = 100_000
RUNS = int(os.environ.get("BENCH_MAP_RUNS", 5))
LAYERS = "cases,facilities,forums,budget-proposals"
PAGE = f"/fi/?layers={LAYERS}"
LIMIT_S = 3.0
LIMIT_BYTES = 1_000_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def one_run(browser: Any, base: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: list[tuple[int, str]] = []
    foreign: list[str] = []

    def on_response(response: Any) -> None:
        if not response.url.startswith(base):
            foreign.append(response.url)
            return
        size = int(response.headers.get("content-length") or 0)
        sizes.append((size, response.url.removeprefix(base)))

    page.on("response", on_response)
    started = time.perf_counter()
    page.goto(base + PAGE, wait_until="load", timeout=60_000)
    # Loaded: every layer's tiles drawn, nothing more in flight for 0.5 s.
    drawn, stable_since = -1, time.perf_counter()
    while time.perf_counter() - stable_since < 0.5:
        count = page.evaluate(
            "window.piiri ? Object.keys(window.piiri.layers.active).reduce("
            "(n, name) => n + window.piiri.layers.featureCount(name), 0) : 0"
        )
        if count != drawn or count == 0:
            drawn, stable_since = count, time.perf_counter()
        assert time.perf_counter() - started < 60, "the map did not finish"
        page.wait_for_timeout(50)
    elapsed = stable_since - started
    context.close()
    largest = max(sizes)
    return {
        "seconds": round(elapsed, 3),
        "requests": len(sizes),
        "bytes": sum(size for size, _ in sizes),
        "largest_bytes": largest[0],
        "largest_url": largest[1],
        "features_drawn": drawn,
        "foreign_requests": foreign,
    }


def main() -> None:
    url = bench_database_url()
    prepare_database(url)
    load_cases(url, CASES)
    tune(url)
    with app_server(url, workers=None) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        one_run(browser, base)  # warm the server's connections and caches
        runs = [one_run(browser, base) for _ in range(RUNS)]
        browser.close()
    seconds = [r["seconds"] for r in runs]
    largest = max(runs, key=lambda r: r["largest_bytes"])
    result = {
        "cases": CASES,
        "page": PAGE,
        "runs": runs,
        "median_seconds": statistics.median(seconds),
        "max_seconds": max(seconds),
        "largest_response_bytes": largest["largest_bytes"],
        "largest_response_url": largest["largest_url"],
        "under_3_s": max(seconds) < LIMIT_S,
        "no_response_over_1_mb": largest["largest_bytes"] <= LIMIT_BYTES,
    }
    rows = "\n".join(
        f"| {i + 1} | {r['seconds']:.2f} | {r['requests']} | {r['bytes']:,} | "
        f"{r['largest_bytes']:,} | {r['features_drawn']} |"
        for i, r in enumerate(runs)
    )
    markdown = f"""
Map page `{PAGE}` with {CASES:,} synthetic cases, all item layers on, cold
browser context per run, headless Chromium, app served as `make serve` does
(gunicorn with config/gunicorn.py: 5 sync workers on 2 cores, collected and
compressed static files).

| run | seconds to network idle | requests | bytes | largest response | features drawn |
|---|---|---|---|---|---|
{rows}

Median {result["median_seconds"]:.2f} s, worst {result["max_seconds"]:.2f} s
(goal < {LIMIT_S:.0f} s: {"met" if result["under_3_s"] else "NOT met"}).
Largest single response {result["largest_response_bytes"]:,} bytes
(`{result["largest_response_url"]}`; goal <= 1 MB:
{"met" if result["no_response_over_1_mb"] else "NOT met"}).
"""
    write_results("mappage", result, markdown)
    print(markdown, file=sys.stderr)


if __name__ == "__main__":
    main()
