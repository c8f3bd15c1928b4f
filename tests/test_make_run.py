"""`make run` end to end: the README's first command serves the real data.

It runs against a database of its own, created empty and dropped after
(``empty_database``), so it shows the first run on a new machine (migrate,
load every fixture, serve) and leaves the session's test data as it was.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


# The mark makes pytest-django create the test database (and its settings)
# even when this test runs alone.
@pytest.mark.django_db
def test_make_run_serves_helsinki(empty_database):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": empty_database},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/locate",
                    params={"lon": 24.9414, "lat": 60.1710},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "make run did not serve: " + process.stdout.read().decode()
                    )
                time.sleep(0.5)
        assert response.status_code == 200
        assert response.json()["sub_district"]["name_fi"] == "Kluuvi"
        facilities = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/facilities/", params={"limit": 1}
        ).json()
        assert facilities["count"] == 307
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert "helsinki_osa_alueet.geojson: 148 created" in output
