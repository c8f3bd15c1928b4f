"""The lean path (web.lean): anonymous reads of tiles and items skip the
session and sign-in middleware, and keep everything that must apply."""

import re

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.urls import resolve

from bench.common import tile_of
from maps import tiles

pytestmark = pytest.mark.django_db

TILE = "/tiles/sub-districts/{}/{}/{}.pbf".format(*tile_of(24.9414, 60.1710, 14))
ITEMS = "/ogc/collections/facilities/items?limit=5"


@pytest.mark.parametrize("path", [TILE, "/tiles/sub-districts.json", ITEMS])
def test_an_anonymous_read_skips_the_session_and_keeps_the_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_signed_in_read_takes_the_full_path(client, resident):
    client.force_login(resident)
    response = client.get(TILE)
    assert response.status_code == 200
    assert response.wsgi_request.user == resident


def test_a_refused_token_is_a_401_on_the_tiles_too(client):
    # custom-areas has private rows, so its tiles ask who is calling.
    private = TILE.replace("sub-districts", "custom-areas")
    response = client.get(private, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_the_request_shape_guard_still_applies(client):
    response = client.get(TILE + "?properties=co%01de")
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]


def test_error_messages_stay_in_the_callers_language(client):
    finnish = client.get(TILE + "?properties=nope", HTTP_ACCEPT_LANGUAGE="fi")
    english = client.get(TILE + "?properties=nope", HTTP_ACCEPT_LANGUAGE="en")
    assert finnish.status_code == english.status_code == 400
    assert finnish.headers["Content-Language"] == "fi"
    assert english.headers["Content-Language"] == "en"


def test_each_field_set_is_compiled_once(client):
    tiles._compiled.cache_clear()
    first = client.get(TILE + "?properties=code")
    second = client.get(TILE + "?properties=code")
    assert first.content == second.content
    features = mapbox_vector_tile.decode(first.content)["sub-districts"]["features"]
    assert features and all(set(f["properties"]) == {"code"} for f in features)
    info = tiles._compiled.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def sample_paths(patterns, prefix=""):
    """A path for every URL pattern, its converters filled in."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from sample_paths(pattern.url_patterns, route)
            continue
        for converter in ("<str:collection_id>", "<str:collection>"):
            route = route.replace(converter, "cases")
        yield "/" + re.sub(r"<[^>]+>", "1", route)


def test_the_lean_urlconf_owns_every_path_under_the_lean_prefixes():
    """The lean path resolves in settings.LEAN_URLCONF alone: every site
    path under a lean prefix must reach the same view there."""
    from config import urls as site

    under = [
        path
        for path in sample_paths(site.urlpatterns)
        if path.startswith(tuple(settings.LEAN_PATH_PREFIXES))
    ]
    assert len(under) >= 5, under
    for path in under:
        lean = resolve(path, urlconf=settings.LEAN_URLCONF)
        assert lean.func is resolve(path).func, path
