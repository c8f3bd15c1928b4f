"""`make serve` end to end: nginx in front of gunicorn, started and stopped
by the project's scripts.

Shaped like tests/test_make_run.py: an empty database of its own, the
Makefile run as a subprocess, every request through nginx. nginx's run
directory (config, logs, cache) is a fresh temporary one, as in a clean
clone.
"""

import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.ops.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
# Kluuvi, in the centre: facilities lie around it.
CENTRE = (24.9414, 60.1710)


def port_is_free(port: int) -> bool:
    """No one listens on it (closed connections may linger in TIME_WAIT,
    which a server's SO_REUSEADDR bind ignores too)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def tile_of(lon: float, lat: float, z: int) -> str:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"{z}/{x}/{y}"


def wait_until_ready(base: str, process: subprocess.Popen) -> None:
    """nginx answers 502 until gunicorn is up: wait for the app's 200, and
    for the tile pool's own 404 of a layer that does not exist."""
    deadline = time.monotonic() + 600
    while True:
        try:
            ready = httpx.get(base + "/readyz", timeout=5).status_code == 200
            tiles = httpx.get(base + "/tiles/no-such-layer.json", timeout=5)
            if ready and tiles.status_code == 404:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("make serve did not serve: " + process.stdout.read().decode())
        time.sleep(0.5)


@pytest.mark.django_db
def test_make_serve_puts_nginx_in_front(empty_database, tmp_path):
    port, app_port, tile_port = free_port(), free_port(), free_port()
    run_dir = tmp_path / "nginx"
    process = subprocess.Popen(
        [
            "make",
            "serve",
            f"PORT={port}",
            f"GUNICORN_PORT={app_port}",
            f"TILE_PORT={tile_port}",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": empty_database,
            "PIIRI_DEV": "1",
            "PIIRI_NGINX_DIR": str(run_dir),
            "WEB_CONCURRENCY": "2",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        nginx_pid = int((run_dir / "nginx.pid").read_text())
        gunicorn_pid = int((ROOT / "var" / f"gunicorn-{port}.pid").read_text())
        tile_pid = int((ROOT / "var" / f"gunicorn-tiles-{port}.pid").read_text())
        with httpx.Client(base_url=base, timeout=30) as client:
            # A collected static file comes from nginx itself: its hashed
            # name (manifest) with nginx's year-long immutable caching.
            collected = ROOT / "staticfiles"
            manifest = json.loads((collected / "staticfiles.json").read_text())
            hashed = manifest["paths"]["maps/map.js"]
            static = client.get(f"/static/{hashed}")
            assert static.status_code == 200
            assert static.content == (collected / hashed).read_bytes()
            assert static.headers["server"] == "nginx"
            assert static.headers["cache-control"] == (
                "public, max-age=31536000, immutable"
            )
            assert static.headers["x-content-type-options"] == "nosniff"
            assert "x-cache-status" not in static.headers

            # A public tile: fetched from the app once, then from the cache.
            path = f"/tiles/facilities/{tile_of(*CENTRE, 14)}.pbf"
            first, second = client.get(path), client.get(path)
            assert first.status_code == 200
            assert first.headers["content-type"] == "application/vnd.mapbox-vector-tile"
            assert first.headers["cache-control"].startswith("public")
            assert first.headers["x-cache-status"] == "MISS"
            assert second.headers["x-cache-status"] == "HIT"
            assert second.content == first.content
            assert second.headers["etag"] == first.headers["etag"]

            # TileJSON is cached too, and compressed for a client that asks;
            # its tile URLs name nginx's port, not gunicorn's.
            client.get("/tiles/facilities.json")
            tilejson = client.get(
                "/tiles/facilities.json", headers={"Accept-Encoding": "gzip"}
            )
            assert tilejson.headers["x-cache-status"] == "HIT"
            assert tilejson.headers["content-encoding"] == "gzip"
            assert tilejson.json()["tiles"][0].startswith(f"{base}/tiles/facilities/")

            # A private layer's tile answers "private": never from the cache.
            private = f"/tiles/custom-areas/{tile_of(*CENTRE, 12)}.pbf"
            answers = [client.get(private) for _ in range(3)]
            controls = {answer.headers["cache-control"] for answer in answers}
            assert controls == {"private, no-cache"}
            assert [answer.headers["x-cache-status"] for answer in answers] == [
                "MISS"
            ] * 3

            # Bodies over the app's limit stop at nginx, in the app's shape.
            too_large = client.post(
                "/api/v1/query",
                content=b" " * (2_621_440 + 1),
                headers={"Content-Type": "application/json"},
            )
            assert too_large.status_code == 413
            assert "2621440" in too_large.json()["detail"]
    finally:
        # Ctrl-C in the terminal: the signal reaches make, its shell and
        # gunicorn; the shell's trap stops nginx.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        output = process.communicate(timeout=60)[0].decode()
    assert "==> stopping nginx" in output, output[-3000:]
    assert not alive(nginx_pid)
    assert not alive(gunicorn_pid)
    assert not alive(tile_pid)
    assert port_is_free(port)
    assert port_is_free(app_port)
    assert port_is_free(tile_port)
    # Tiles went to their own pool, everything else to the main one (nginx
    # writes its buffered log out when it stops).
    served = set()
    for line in (run_dir / "access.log").read_text().splitlines():
        request_path = line.split('"')[1].split()[1]
        upstream = line.split("upstream=")[1].split()[0]
        if upstream != "-":
            served.add((request_path.startswith("/tiles/"), upstream))
    assert served == {
        (True, f"127.0.0.1:{tile_port}"),
        (False, f"127.0.0.1:{app_port}"),
    }
