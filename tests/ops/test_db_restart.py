import threading
import time
from dataclasses import dataclass

import httpx
import pytest

from tests.ops.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

AREAS = "/api/v1/areas/?level=district&limit=5"


@dataclass
class Answer:
    at: float
    status: int
    seconds: float
    retry_after: str | None


def hammer(base: str, answers: list[Answer], stop: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.monotonic()
            response = client.get(AREAS)
            answers.append(
                Answer(
                    started,
                    response.status_code,
                    time.monotonic() - started,
                    response.headers.get("Retry-After"),
                )
            )
            time.sleep(0.02)


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_database_restart_under_load_gives_503s_then_200s(scratch_cluster):
    with gunicorn(scratch_cluster.url()) as base:
        answers: list[Answer] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=hammer, args=(base, answers, stop))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: [a.status for a in answers].count(200) > 5)
            scratch_cluster.db("stop")
            down_since = time.monotonic()
            time.sleep(3)
            readyz_while_down = httpx.get(base + "/readyz", timeout=30)
            restarting_at = time.monotonic()
            scratch_cluster.db("start")
            up_since = time.monotonic()
            wait_for(lambda: len([a for a in answers if a.at > up_since + 1]) > 5)
        finally:
            stop.set()
            for thread in threads:
                thread.join()

    statuses = {a.status for a in answers}
    during = [a for a in answers if down_since + 0.5 < a.at < restarting_at]
    after = [a for a in answers if a.at > up_since + 1]
    assert statuses <= {200, 503}, statuses
    assert [a.status for a in answers if a.at < down_since - 0.2].count(200) > 5
    assert during and {a.status for a in during} == {503}
    assert all(a.retry_after == "5" for a in answers if a.status == 503)
    assert len(after) > 5 and {a.status for a in after} == {200}
    # Refused connections fail fast: no worker hangs on the outage. A hang
    # would run into the client's 30 s timeout; the bound leaves room for a
    # CI machine whose load average is many times its two cores.
    assert max(a.seconds for a in answers) < 20
    assert readyz_while_down.status_code == 503
    assert readyz_while_down.json()["checks"]["default"] == "unreachable"
