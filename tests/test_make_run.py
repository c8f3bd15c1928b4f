"""`make run` end to end: the README's first command serves the real data."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


# The mark makes pytest-django create the test database even when this test
# runs alone; the served app reads what the session fixture committed.
@pytest.mark.django_db
def test_make_run_serves_helsinki():
    settings = connection.settings_dict
    url = (
        f"postgis://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
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
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    # The data was already there: the fixtures were not loaded twice.
    assert "already imported, nothing to do" in output
