"""The health check on reused connections (web.postgis) without a round
trip: a live idle connection is usable, one the server has closed is not."""

import time

import pytest
from django.db import connection, connections


@pytest.fixture
def second_connection():
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db
def test_idle_live_connection_is_usable_without_a_query(second_connection, monkeypatch):
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

    def no_queries(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(second_connection.connection, "cursor", no_queries)
    monkeypatch.setattr(second_connection.connection, "execute", no_queries)
    assert second_connection.is_usable()
    assert second_connection.is_usable()
    monkeypatch.undo()
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


@pytest.mark.django_db
def test_connection_closed_by_the_server_is_not_usable(second_connection):
    pid = second_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    wait_until(lambda: not second_connection.is_usable())
    # What Django does when a request starts: the next use checks the
    # connection, drops it and connects afresh, with no error.
    second_connection.close_if_unusable_or_obsolete()
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.django_db
def test_closed_connection_is_not_usable(second_connection):
    second_connection.connection.close()
    assert not second_connection.is_usable()
