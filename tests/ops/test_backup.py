import subprocess

import psycopg
import pytest

from tests.ops.conftest import ROOT, fingerprints, libpq

# django_db: the session then creates (and loads) the test database to copy.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def make(target: str, backup, database_url: str) -> None:
    result = subprocess.run(
        ["make", "-s", target, f"BACKUP={backup}"],
        cwd=ROOT,
        env={**__import__("os").environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_backup_and_restore_round_trip_every_table(
    test_database_url, scratch_cluster, tmp_path
):
    backup = tmp_path / "piiri.dump"
    make("backup", backup, test_database_url)
    with psycopg.connect(libpq(scratch_cluster.url()), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS roundtrip")
        conn.execute("CREATE DATABASE roundtrip")
    target = scratch_cluster.url("roundtrip")

    make("restore", backup, target)

    original = fingerprints(test_database_url)
    assert original["districts_district"][0] > 200
    assert fingerprints(target) == original

    # Restoring over a database that has changed since gives back the dump.
    with psycopg.connect(libpq(target), autocommit=True) as conn:
        conn.execute("UPDATE districts_district SET name_fi = 'x' WHERE code = '101'")
        conn.execute("DELETE FROM districts_population")
    assert fingerprints(target) != original
    make("restore", backup, target)
    assert fingerprints(target) == original


def test_restore_without_a_file_refuses(tmp_path):
    result = subprocess.run(
        ["make", "-s", "restore"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "BACKUP=" in result.stderr
