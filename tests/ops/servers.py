"""The app under gunicorn, configured as `make serve` runs it."""

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.ops.conftest import ROOT, free_port


@contextmanager
def gunicorn(database_url: str, **env: str) -> Iterator[str]:
    port = free_port()
    # A file, not a pipe: a full pipe nobody reads would block the workers.
    with tempfile.TemporaryFile(mode="w+") as log:
        yield from _serve(database_url, port, log, env)


def _serve(database_url, port, log, env):
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "config/gunicorn.py",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "ERROR",
            "GUNICORN_LOG_LEVEL": "warning",
            **env,
        },
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError("gunicorn did not get ready: " + log.read()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
