"""Run with DATABASE_URL (primary) and DATABASE_REPLICA_URL set; prints, as
JSON, how many queries each step sent to the primary and to the replica."""

import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from districts.models import District  # noqa: E402


def served_by(step):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        value = step()
    return {"primary": len(primary), "replica": len(replica), "value": value}


def in_recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def read_inside_write():
    with transaction.atomic():
        District.objects.filter(code="101").update(name_en="Vironniemi")
        return District.objects.get(code="101", level="district").name_en


def replica_catches_up():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if District.objects.using("replica").filter(name_en="Vironniemi").exists():
            return True
        time.sleep(0.1)
    return False


client = Client()
report = {
    "recovery": {"default": in_recovery("default"), "replica": in_recovery("replica")},
    "orm_read": served_by(lambda: District.objects.filter(level="district").count()),
    "http_read": served_by(
        lambda: client.get("/api/v1/areas/?level=district&limit=3").status_code
    ),
    "read_inside_write": served_by(read_inside_write),
    "read_after_write_same_task": served_by(
        lambda: District.objects.filter(level="district").count()
    ),
    "http_read_next_request": served_by(
        lambda: client.get("/api/v1/areas/?level=district&limit=3").status_code
    ),
    "replica_caught_up": replica_catches_up(),
}
sys.stdout.write(json.dumps(report) + "\n")
