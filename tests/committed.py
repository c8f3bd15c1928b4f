"""Data committed outside the tests' rolled-back transactions.

Live-server, browser and client tests need rows the server thread can see,
so their module fixtures write through ``django_db_blocker.unblock()``. The
services they call also write to the audit log; those entries would outlive
the fixture (their actor set to NULL when the fixture's users go) and meet
later tests that count the log. ``committed`` is the one way such fixtures
open the database: whatever the block adds to the audit log is removed when
it ends.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Max


@contextmanager
def committed(django_db_blocker) -> Iterator[None]:
    """Unblock the database; delete the audit entries written inside."""
    from districts.models import AuditLog

    with django_db_blocker.unblock():
        before = AuditLog.objects.aggregate(last=Max("id"))["last"] or 0
        try:
            yield
        finally:
            AuditLog.objects.filter(id__gt=before).delete()
