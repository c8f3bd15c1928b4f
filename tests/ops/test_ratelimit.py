import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.views import APIView

from web.ratelimit import (
    BallotThrottle,
    LoginThrottle,
    PolygonQueryThrottle,
    rate_limited,
)


class ThreePerMinuteQuery(PolygonQueryThrottle):
    rate = "3/min"


class ThreePerMinuteLogin(LoginThrottle):
    rate = "3/min"


class QueryApi(APIView):
    throttle_classes = [ThreePerMinuteQuery]

    def post(self, request):
        return Response({"ok": True})


@rate_limited(ThreePerMinuteLogin)
def login_view(request):
    return HttpResponse("form")


def post(view, ip="192.0.2.1", method="post"):
    request = getattr(RequestFactory(), method)("/x", REMOTE_ADDR=ip)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return view(request)


@pytest.mark.django_db
def test_drf_view_answers_429_with_retry_after_past_the_limit():
    view = QueryApi.as_view()
    statuses = [post(view).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    blocked = post(view)
    assert 1 <= int(blocked["Retry-After"]) <= 60
    # Another client is counted apart.
    assert post(view, ip="192.0.2.2").status_code == 200


@pytest.mark.django_db
def test_plain_view_decorator_uses_the_same_counts_and_only_counts_posts():
    for _ in range(5):
        assert post(login_view, method="get").status_code == 200
    statuses = [post(login_view).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    blocked = post(login_view)
    assert blocked["Content-Type"] == "application/json" or blocked.status_code == 429
    assert int(blocked["Retry-After"]) >= 1


@pytest.mark.django_db
def test_counts_live_in_the_shared_database_cache():
    post(QueryApi.as_view())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM piiri_cache WHERE cache_key LIKE %s",
            ["%throttle_polygon_query_ip-192.0.2.1%"],
        )
        assert cursor.fetchone()[0] == 1


def test_the_configured_rates_cover_login_ballot_and_polygon_queries():
    for throttle in (LoginThrottle, BallotThrottle, PolygonQueryThrottle):
        assert throttle().rate is not None


def ballot_statuses(client, number, forwarded_for, **extra):
    return [
        client.post(
            f"/api/v1/budgeting/rounds/{number}/ballots",
            {"plans": [], "voter": {}},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=forwarded_for(i),
            **extra,
        ).status_code
        for i in range(30)
    ]


@pytest.mark.django_db
def test_a_rotating_x_forwarded_for_does_not_escape_the_ballot_limit(client):
    from tests.budgeting.conftest import open_round

    round_ = open_round()
    statuses = ballot_statuses(client, round_.number, lambda i: f"198.51.100.{i}")
    assert 429 in statuses
    assert statuses.index(429) == 20  # RATE_BALLOT: 20/min


@pytest.mark.django_db
def test_behind_one_proxy_only_the_proxys_entry_is_trusted(client, settings):
    from tests.budgeting.conftest import open_round

    settings.NUM_PROXIES = 1
    round_ = open_round()
    statuses = ballot_statuses(
        client,
        round_.number,
        lambda i: f"198.51.100.{i}, 203.0.113.5",
        REMOTE_ADDR="10.0.0.1",
    )
    assert statuses.index(429) == 20
    # Another client behind the same proxy has its own allowance.
    other = client.post(
        f"/api/v1/budgeting/rounds/{round_.number}/ballots",
        {"plans": [], "voter": {}},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
        REMOTE_ADDR="10.0.0.1",
    )
    assert other.status_code == 400
