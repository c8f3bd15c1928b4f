"""Racing supports by one person against the real database, committed, as
tests/budgeting/test_concurrency.py races ballots."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User
from django.db import connections

from initiatives import services
from initiatives.models import Initiative, Support
from tests.budgeting.test_concurrency import in_own_thread
from tests.initiatives.conftest import identity

PEOPLE = 20


def setup():
    author = User.objects.create(username="race-author")
    initiative = services.initiative_create(
        author=author, title="Kilpailu", text="Kaksi tukea yhtä aikaa.", topic="other"
    )
    return services.initiative_publish(actor=author, initiative=initiative)


def remove(initiative):
    Support.objects.filter(initiative_id=initiative.pk).delete()
    Initiative.objects.filter(pk=initiative.pk).delete()
    User.objects.filter(username="race-author").delete()


@pytest.mark.django_db
def test_concurrent_double_supports_leave_one_per_person():
    initiative = in_own_thread(setup)
    try:
        barriers = {n: threading.Barrier(2, timeout=30) for n in range(PEOPLE)}

        def support(n):
            barriers[n].wait()
            return services.support_give(
                initiative=initiative.pk, identity=identity(f"racer-{n}")
            )[1]

        with ThreadPoolExecutor(max_workers=8) as pool:
            # Each person's two requests are next to each other, so they run
            # at the same time and meet at their barrier.
            twice = [n for n in range(PEOPLE) for _ in (0, 1)]
            created = list(pool.map(_closing_call(support), twice))
        assert created.count(True) == PEOPLE
        assert created.count(False) == PEOPLE
        counted = in_own_thread(
            lambda: Support.objects.filter(initiative_id=initiative.pk).count()
        )
        assert counted == PEOPLE
    finally:
        in_own_thread(lambda: remove(initiative))


def _closing_call(work):
    def run(argument):
        try:
            return work(argument)
        finally:
            connections.close_all()

    return run
