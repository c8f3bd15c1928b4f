"""Probes for a load balancer or orchestrator.

``/healthz``: the process answers (liveness; restart it if not).
``/readyz``: every database is reachable and the primary has every
migration and the cache table (readiness; send it traffic only then).
"""

from functools import cache

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    # Read from disk once per process: the code does not change under it.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[alias] = "ok"
        except DatabaseError:
            checks[alias] = "unreachable"
    if checks["default"] == "ok":
        connection = connections["default"]
        applied = set(MigrationRecorder(connection).applied_migrations())
        missing = len(_known_migrations() - applied)
        checks["migrations"] = f"{missing} not applied" if missing else "ok"
        cache_table = str(settings.CACHES["default"]["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [cache_table])
            (exists,) = cursor.fetchone()
        checks["cache_table"] = "ok" if exists else "missing"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
