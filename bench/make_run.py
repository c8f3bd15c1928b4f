"""How long `make run` takes to serve, first and second time in a row.

Runs the real `make run` against the benchmark database (DATABASE_URL set,
so no cluster is started) and polls until the locate API answers.
"""

import os
import signal
import subprocess
import time

import httpx

from bench.common import (
    ROOT,
    bench_database_url,
    prepare_database,
    table,
    write_results,
)
from bench.server import free_port


def time_to_serve(url: str) -> float:
    port = free_port()
    start = time.monotonic()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/locate",
                    params={"lon": 24.9414, "lat": 60.1710},
                    timeout=2,
                )
                if response.status_code == 200:
                    return time.monotonic() - start
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError("make run exited before serving")
            if time.monotonic() - start > 300:
                raise RuntimeError("make run did not serve within 300 s")
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    url = bench_database_url()
    prepare_database(url)
    rows = [
        {"run": f"make run #{n}", "seconds_to_serve": round(time_to_serve(url), 2)}
        for n in (1, 2, 3)
    ]
    markdown = (
        "Seconds from `make run` to the first 200 from `/api/v1/locate`, three "
        "runs in a row on an installed machine with the data already loaded "
        "(every run after the first is a 'second make run').\n\n"
        + table(rows, ["run", "seconds_to_serve"])
        + "\n\nTarget: a second `make run` reaches serving in under 15 s.\n"
    )
    write_results("make_run", {"runs": rows}, markdown)


if __name__ == "__main__":
    main()
