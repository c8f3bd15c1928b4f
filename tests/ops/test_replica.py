import json
import os
import subprocess

import pytest

from tests.ops.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_reads_go_to_the_replica_and_writes_to_the_primary(scratch_cluster):
    scratch_cluster.db("replica-start")
    try:
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "tests/ops/replica_probe.py"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": scratch_cluster.url(),
                "DATABASE_REPLICA_URL": scratch_cluster.replica_url(),
                "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        scratch_cluster.db("replica-stop")

    # The replica is a real hot standby, not a second primary.
    assert report["recovery"] == {"default": False, "replica": True}
    assert report["orm_read"] == {"primary": 0, "replica": 1, "value": 34}
    http_read = report["http_read"]
    assert http_read["value"] == 200
    assert http_read["primary"] == 0 and http_read["replica"] >= 1
    # A transaction's own reads and writes stay on the primary.
    inside = report["read_inside_write"]
    assert inside["value"] == "Vironniemi"
    assert inside["replica"] == 0 and inside["primary"] >= 2
    # After writing, the same unit of work keeps reading its own writes...
    assert report["read_after_write_same_task"]["replica"] == 0
    # ...and the next request starts on the replica again.
    next_request = report["http_read_next_request"]
    assert next_request["replica"] >= 1 and next_request["primary"] == 0
    # The write streamed to the replica.
    assert report["replica_caught_up"] is True
