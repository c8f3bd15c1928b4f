"""Start the app under gunicorn on a free loopback port for a benchmark."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server(NamedTuple):
    base: str  # URL
    pid: int


@contextmanager
def serving(
    command: list[str], env: dict[str, str], *, port: int, ready_path: str
) -> Iterator[Server]:
    """Run ``command`` (a server on ``port``) until ``ready_path`` answers
    2xx, yield its base URL and process id, and stop it afterwards."""
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + ready_path, timeout=5).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{command[0]} did not start")
            time.sleep(0.3)
        yield Server(base, process.pid)
    finally:
        # SIGINT: a quick shutdown for gunicorn (SIGTERM would wait up to
        # graceful_timeout for its workers) and uvicorn alike.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def app_server(database_url: str, *, workers: int | None = 2) -> Iterator[str]:
    """The app as `make serve` runs it: gunicorn, collected static files
    with hashed names and compressed copies (STATIC_MANIFEST). With
    ``workers=None``, gunicorn's whole production config (config/gunicorn.py:
    2 x cores + 1 workers, preloaded app); otherwise that many workers, so a
    comparison with another server can give both the same."""
    port = free_port()
    env = {
        "DATABASE_URL": database_url,
        "PIIRI_DEV": "1",
        "LOG_LEVEL": "WARNING",
        "STATIC_MANIFEST": "1",
    }
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic"]
        + ["--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    if workers is None:
        command += ["--config", str(ROOT / "config" / "gunicorn.py")]
    else:
        command += ["--workers", str(workers)]
    command += ["--log-level", "warning"]
    with serving(
        command, env, port=port, ready_path="/api/v1/areas/?limit=1"
    ) as server:
        yield server.base
