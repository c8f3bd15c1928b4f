"""Send reads to a streaming replica and everything else to the primary.

Active only when settings.DATABASES has a "replica" alias (set
DATABASE_REPLICA_URL). A read goes to the primary instead when

- it runs inside a transaction on the primary (a read inside a write must
  see the write, and must not be answered from a snapshot that lags it);
- the current request has already written (read-your-writes: a replica
  replays the primary's WAL a few milliseconds behind);
- its model lives in an app whose reads must never lag: sessions (a fresh
  login must not look logged out) and the cache table that counts rate
  limits.

Raw SQL through ``django.db.connection`` always uses the primary; code that
wants the replica for raw reads asks ``router.db_for_read(Model)``.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY_APPS = {"sessions", "django_cache"}

_wrote = ContextVar("piiri_wrote_to_primary", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if (
            REPLICA not in settings.DATABASES
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or _wrote.get()
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # Both aliases hold the same data: the replica is a copy.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class PrimaryPinningMiddleware:
    """Start every request reading from the replica again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _wrote.set(False)
        try:
            return self.get_response(request)
        finally:
            _wrote.reset(token)
