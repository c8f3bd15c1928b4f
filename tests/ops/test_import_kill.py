import os
import signal
import subprocess
import time

import psycopg
import pytest

from tests.ops.conftest import ROOT, fingerprints, libpq

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

WRITING = """
SELECT a.pid FROM pg_stat_activity a
JOIN pg_locks l ON l.pid = a.pid AND l.mode = 'RowExclusiveLock'
JOIN pg_class c ON c.oid = l.relation AND c.relname = 'districts_district'
WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
"""


def test_an_import_killed_halfway_leaves_the_database_as_it_was(scratch_cluster):
    url = scratch_cluster.url()
    before = fingerprints(url)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "import_areas",
            "--set",
            "helsinki-newer",
            "--force",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        deadline = time.monotonic() + 120
        writer = None
        while writer is None:
            assert process.poll() is None, "the import ended before it was killed"
            assert time.monotonic() < deadline, "the import never started writing"
            row = conn.execute(WRITING).fetchone()
            writer = row[0] if row else None
            time.sleep(0.05)
        # The import holds an open transaction that has written areas.
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 60
        while conn.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [writer]
        ).fetchone():
            assert time.monotonic() < deadline
            time.sleep(0.1)

    assert process.returncode == -signal.SIGKILL
    assert fingerprints(url) == before
