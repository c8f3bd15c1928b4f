"""Load generation for the layer benchmark: TiPg as a peer server, and
clients that time each request at a given concurrency."""

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg

from bench.common import ROOT, psycopg_url, stats
from bench.server import free_port, serving

TIPG_CASES = "public.cases_case"


# -- servers ----------------------------------------------------------------


@contextmanager
def tipg_server(url: str, *, workers: int) -> Iterator[str]:
    port = free_port()
    env = {
        "DATABASE_URL": psycopg_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_TILE": "10000",
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    uvicorn = str(ROOT / ".venv" / "bin" / "uvicorn")
    command = [uvicorn, "tipg.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    ready = f"/collections/{TIPG_CASES}"
    with serving(command, env, port=port, ready_path=ready) as server:
        yield server.base


# -- running ----------------------------------------------------------------


def run(
    make_call: Callable[[], Callable[[Any], None]],
    inputs: list[Any],
    concurrency: int,
) -> dict[str, float]:
    """Latency of each input and throughput, ``concurrency`` clients each
    with its own connection (made by ``make_call``)."""
    local = threading.local()
    samples: list[float] = []
    lock = threading.Lock()

    def one(item: Any) -> None:
        if not hasattr(local, "call"):
            local.call = make_call()
        t0 = time.perf_counter()
        local.call(item)
        elapsed = (time.perf_counter() - t0) * 1000
        with lock:
            samples.append(elapsed)

    # Warm each client's connection outside the timing.
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, inputs))
    return stats(samples, time.perf_counter() - start)


def http_client(expect: tuple[int, ...] = (200, 204)) -> Callable[[], Any]:
    """One connection per client thread, kept alive where the server allows
    (uvicorn does; gunicorn's sync workers close it, and it is reopened).

    The standard library's client rather than httpx: httpx spent 3 ms of
    its own per request here, as much as a z14 tile's SQL, and that would
    be measured as the servers' time."""

    def make() -> Callable[[Any], None]:
        connections: dict[str, http.client.HTTPConnection] = {}

        def call(request: tuple[str, str, Any]) -> None:
            method, url, body = request
            parts = urlsplit(url)
            if parts.netloc not in connections:
                connections[parts.netloc] = http.client.HTTPConnection(
                    parts.netloc, timeout=60
                )
            conn = connections[parts.netloc]
            # As httpx did: percent-encode what a URL may not hold (spaces in
            # CQL2 filters), keep what is already encoded.
            path = quote(parts.path, safe="/%") + (
                f"?{quote(parts.query, safe='=&%,:;()/+*!$@~')}" if parts.query else ""
            )
            payload = None if body is None else json.dumps(body).encode()
            headers = {} if body is None else {"Content-Type": "application/json"}
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status in expect, (url, response.status)

        return call

    return make


def sql_client(url: str) -> Callable[[], Any]:
    def make() -> Callable[[Any], None]:
        conn = psycopg.connect(psycopg_url(url), autocommit=True)

        def call(statements: list[tuple[str, tuple]]) -> None:
            for sql, params in statements:
                conn.execute(sql, params).fetchall()

        return call

    return make
