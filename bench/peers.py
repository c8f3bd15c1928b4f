"""The servers bench/layers_wrk.py measures side by side, each on its own
port (BENCH_PORT, default 8133, and the next ones):

- Piiri as `make serve` runs it: gunicorn with config/gunicorn.py;
- the same behind nginx (scripts/nginx, the cache tier of `make serve`),
  when the tree has it;
- TiPg from .bench-venv (bench/requirements/tipg.txt) under uvicorn, 2 workers;
- the raw SQL server (bench/sqlserver.py).

Every process is started here and stopped here, by its own id.
"""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg

from bench.common import ROOT, psycopg_url
from bench.server import Server, serving

BENCH_VENV = ROOT / ".bench-venv"
NGINX_SCRIPT = ROOT / "scripts" / "nginx"
TIPG_WORKERS = 2
TIPG_CASES = "public.cases_case"
BASE_PORT = int(os.environ.get("BENCH_PORT", 8133))
PORTS = {"piiri": BASE_PORT, "nginx": BASE_PORT + 1, "tipg": BASE_PORT + 2}
PORTS["sql"] = BASE_PORT + 3
# `make serve`'s tile pool (gunicorn workers of their own behind /tiles/).
PORTS["tiles"] = BASE_PORT + 4


def have_nginx() -> bool:
    """Measure through nginx: BENCH_NGINX=1 insists, 0 skips; by default
    whenever the tree has scripts/nginx."""
    wanted = os.environ.get("BENCH_NGINX", "auto")
    if wanted == "0":
        return False
    if wanted == "1" and not NGINX_SCRIPT.exists():
        raise SystemExit("BENCH_NGINX=1 but there is no scripts/nginx")
    return NGINX_SCRIPT.exists()


def piiri_env(url: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "PIIRI_DEV": "1",
        "STATIC_MANIFEST": "1",
        "GUNICORN_LOG_LEVEL": "warning",
        # No access log line per request, as for TiPg (--no-access-log).
        "LOG_REQUESTS": "0",
        # As `make serve`: one proxy (nginx) in front; a direct request has
        # no X-Forwarded-For and counts as from its socket's address.
        "NUM_PROXIES": "1",
        **extra,
    }


def collectstatic(url: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic"]
        + ["--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **piiri_env(url)},
        check=True,
    )


@contextmanager
def piiri(url: str, *, port: int | None = None, **extra: str) -> Iterator[Server]:
    """gunicorn as `make serve` starts it (config/gunicorn.py)."""
    port = port or PORTS["piiri"]
    env = piiri_env(url, BIND=f"127.0.0.1:{port}", **extra)
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py"]
    with serving(
        [*command, "config.wsgi:application"], env, port=port, ready_path="/readyz"
    ) as server:
        yield server


def nginx_dir(port: int) -> Path:
    return ROOT / "var" / "nginx" / f"bench-{port}"


@contextmanager
def nginx(
    upstream_port: int, *, port: int | None = None, tile_port: int | None = None
) -> Iterator[Server]:
    """scripts/nginx in front of gunicorn on ``upstream_port`` (and its
    /tiles/ in front of a tile pool on ``tile_port``, as `make serve` runs
    it; otherwise the same gunicorn), in a run directory of its own with an
    empty cache."""
    port = port or PORTS["nginx"]
    run_dir = nginx_dir(port)
    env = {
        **os.environ,
        "PIIRI_NGINX_PORT": str(port),
        "PIIRI_NGINX_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "PIIRI_NGINX_TILE_UPSTREAM": f"127.0.0.1:{tile_port or upstream_port}",
        "PIIRI_NGINX_DIR": str(run_dir),
    }
    script = [str(NGINX_SCRIPT)]
    subprocess.run([*script, "stop"], cwd=ROOT, env=env, check=True)
    shutil.rmtree(run_dir / "cache", ignore_errors=True)
    subprocess.run([*script, "start"], cwd=ROOT, env=env, check=True)
    try:
        pid = int((run_dir / "nginx.pid").read_text().strip())
        yield Server(f"http://127.0.0.1:{port}", pid)
    finally:
        subprocess.run([*script, "stop"], cwd=ROOT, env=env, check=False)


def nginx_version() -> str:
    out = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
    return out.stderr.strip().removeprefix("nginx version: ")


@contextmanager
def tipg(url: str) -> Iterator[Server]:
    if not (BENCH_VENV / "bin" / "uvicorn").exists():
        raise SystemExit("no .bench-venv: run scripts/bootstrap bench")
    port = PORTS["tipg"]
    env = {
        "DATABASE_URL": psycopg_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_TILE": "10000",
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    command = [str(BENCH_VENV / "bin" / "uvicorn"), "tipg.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(TIPG_WORKERS), "--log-level", "warning"]
    command += ["--no-access-log"]
    ready = f"/collections/{TIPG_CASES}"
    with serving(command, env, port=port, ready_path=ready) as server:
        yield server


def tipg_version() -> str:
    out = subprocess.run(
        [
            str(BENCH_VENV / "bin" / "python"),
            "-c",
            "import tipg; print(tipg.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@contextmanager
def sql_server(
    url: str, statements: dict[str, tuple[str, list[Any]]]
) -> Iterator[Server]:
    port = PORTS["sql"]
    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", delete=False, encoding="utf-8"
    ) as file:
        json.dump(statements, file)
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "bench.sqlserver"]
    command += [str(port), file.name, psycopg_url(url)]
    try:
        with serving(command, {}, port=port, ready_path="/readyz") as server:
            yield server
    finally:
        Path(file.name).unlink()


def postgres_versions(url: str) -> dict[str, str]:
    with psycopg.connect(psycopg_url(url)) as conn:
        (pg,) = conn.execute("SHOW server_version").fetchone()
        (postgis,) = conn.execute("SELECT postgis_lib_version()").fetchone()
    return {"postgresql": pg, "postgis": postgis}


def server_versions() -> dict[str, str]:
    """What serves Piiri in these benchmarks."""
    found = {
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
    }
    if have_nginx():
        found["nginx"] = nginx_version()
    return found


def versions() -> dict[str, str]:
    return {**server_versions(), "tipg": tipg_version()}
