import pytest
from django.db import connection


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_migrated_and_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"default": "ok", "migrations": "ok", "cache_table": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_unavailable_while_a_migration_is_missing(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'districts' "
            "AND name = (SELECT max(name) FROM django_migrations "
            "WHERE app = 'districts')"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 not applied"


@pytest.mark.django_db
def test_readyz_is_unavailable_without_the_cache_table(client):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE piiri_cache RENAME TO piiri_cache_gone")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache_table"] == "missing"
