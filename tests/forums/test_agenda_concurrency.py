"""Agenda items added at the same moment, committed in their own threads
as gunicorn workers would: each gets its own position, none fails on the
(meeting, position) constraint."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Barrier

import pytest
from django.contrib.auth.models import User

from cases.models import Case
from cases.services.links import areas_link
from districts.models import AuditLog, District
from districts.services import coordinator_assign
from forums.models import AgendaItem, Forum, Meeting
from forums.services import agenda_item_add, forum_create, meeting_create
from tests import places
from tests.factories import UserFactory, admin_user
from tests.threads import in_own_thread

ADDITIONS = 8


def setup():
    admin = admin_user(username="race-admin")
    coordinator = UserFactory(username="race-coordinator")
    kluuvi = District.objects.get(level="sub_district", code="020")
    coordinator_assign(actor=admin, user=coordinator, area=kluuvi)
    forum = forum_create(actor=coordinator, area=kluuvi, title="Kilpa")
    meeting = meeting_create(
        actor=coordinator,
        forum=forum,
        title="Kilpailta",
        starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC),
        ends_at=datetime(2030, 3, 4, 17, tzinfo=UTC),
    )
    cases = [
        Case.objects.create(title_fi=f"Race {n}", location=places.RAILWAY_STATION)
        for n in range(ADDITIONS)
    ]
    areas_link(Case, [case.pk for case in cases])
    return coordinator, meeting, cases


def remove(meeting, cases):
    users = User.objects.filter(username__in=["race-admin", "race-coordinator"])
    AgendaItem.objects.filter(meeting=meeting).delete()
    Meeting.objects.filter(pk=meeting.pk).delete()
    Forum.objects.filter(pk=meeting.forum_id).delete()
    Case.objects.filter(pk__in=[case.pk for case in cases]).delete()
    AuditLog.objects.filter(actor__in=users).delete()
    users.delete()


@pytest.mark.slow
@pytest.mark.django_db
def test_concurrent_agenda_additions_each_get_a_position():
    coordinator, meeting, cases = in_own_thread(setup)
    barrier = Barrier(ADDITIONS, timeout=30)

    def add(case):
        def work():
            barrier.wait()
            return agenda_item_add(actor=coordinator, meeting=meeting, case=case)

        return work

    try:
        with ThreadPoolExecutor(max_workers=ADDITIONS) as pool:
            futures = [pool.submit(in_own_thread, add(case)) for case in cases]
            items = [future.result() for future in futures]
        positions = in_own_thread(
            lambda: sorted(
                AgendaItem.objects.filter(meeting=meeting).values_list(
                    "position", flat=True
                )
            )
        )
        assert sorted(item.position for item in items) == list(range(1, ADDITIONS + 1))
        assert positions == list(range(1, ADDITIONS + 1))
    finally:
        in_own_thread(lambda: remove(meeting, cases))
