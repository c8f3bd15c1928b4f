import pytest
from django.db import OperationalError
from django.test import RequestFactory
from rest_framework.views import APIView

from web.errors import api_exception_handler, server_error


@pytest.mark.django_db
def test_api_404_is_json_without_internals(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_page_404_is_a_short_html_page(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content
    assert b"<h1>404</h1>" in response.content


def test_an_unexpected_error_is_a_500_without_traceback_or_sql():
    request = RequestFactory().get("/api/v1/areas/")
    try:
        raise ValueError("SELECT secret FROM auth_user")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert b"SELECT" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("path", ["/api/v1/areas/", "/fi/map/"])
def test_a_database_outage_is_a_503_to_retry(path):
    request = RequestFactory().get(path)
    try:
        raise OperationalError('connection to server at "127.0.0.1" failed')
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"127.0.0.1" not in response.content


def test_drf_answers_a_database_outage_with_503():
    error = OperationalError("server closed the connection unexpectedly")
    response = api_exception_handler(error, {"view": APIView()})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_an_oversized_body_is_refused_with_413(client):
    body = "a=" + "x" * 3_000_000
    response = client.post(
        "/admin/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert b"at most 2621440" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/healthz")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_request_log_is_one_json_object_per_request(client, caplog):
    import json
    import logging

    from web.middleware import JsonFormatter

    with caplog.at_level(logging.INFO, logger="piiri.request"):
        client.get("/no-such-page/?lat=60.1", HTTP_ACCEPT="text/html")
    (record,) = [r for r in caplog.records if r.name == "piiri.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["path"] == "/no-such-page/"
    assert entry["status"] == 404
    assert entry["method"] == "GET"
    assert entry["duration_ms"] >= 0
    assert "60.1" not in json.dumps(entry)


def test_health_checks_are_logged_only_at_debug_level(client, caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="piiri.request"):
        client.get("/healthz")
        client.get("/no-such-page/", HTTP_ACCEPT="text/html")
    levels = {r.path: r.levelno for r in caplog.records if r.name == "piiri.request"}
    assert levels == {"/healthz": logging.DEBUG, "/no-such-page/": logging.INFO}
