"""A scratch PostgreSQL cluster for fault tests: its own port and data dir
under /var/tmp, started through scripts/db, holding a copy of the test
database, destroyed after the session. Nothing here touches the developer's
cluster or anyone else's."""

import os
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def libpq(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


@dataclass
class Cluster:
    env: dict[str, str]
    port: int
    replica_port: int

    def url(self, database: str = "piiri") -> str:
        return f"postgis://piiri@127.0.0.1:{self.port}/{database}"

    def replica_url(self) -> str:
        return f"postgis://piiri@127.0.0.1:{self.replica_port}/piiri"

    def db(self, *args: str, **env: str) -> str:
        result = subprocess.run(
            [str(ROOT / "scripts" / "db"), *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        # Rows as text must not depend on the server's defaults.
        conn.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'")
        conn.execute("SET extra_float_digits = 3; SET IntervalStyle = 'iso_8601'")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                "ORDER BY t::text), '')) FROM {} AS t"
            ).format(sql.Identifier(table))
            count, digest = conn.execute(query).fetchone()
            result[table] = (count, digest)
        return result


@pytest.fixture(scope="session")
def test_database_url(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        s = connection.settings_dict
    return f"postgis://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture(scope="session")
def scratch_cluster(test_database_url, tmp_path_factory):
    data = Path(tempfile.mkdtemp(prefix="piiri-ops-test-", dir="/var/tmp"))
    cluster = Cluster(
        env={
            **os.environ,
            "PIIRI_PG_PORT": str(free_port()),
            "PIIRI_PG_DATA": str(data),
            "PIIRI_PG_REPLICA_PORT": str(free_port()),
        },
        port=0,
        replica_port=0,
    )
    cluster.port = int(cluster.env["PIIRI_PG_PORT"])
    cluster.replica_port = int(cluster.env["PIIRI_PG_REPLICA_PORT"])
    try:
        cluster.db("start")
        dump = tmp_path_factory.mktemp("scratch") / "test.dump"
        cluster.db("backup", str(dump), DATABASE_URL=test_database_url)
        cluster.db("restore", str(dump), DATABASE_URL=cluster.url())
        yield cluster
    finally:
        cluster.db("destroy")


@pytest.fixture
def keep_test_connection(db):
    """In-process WSGI calls (schemathesis) keep the connection that holds
    the test's transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
