import gzip
import json

import pytest

from feedback.importers import HELSINKI_FEEDBACK
from feedback.keys import api_key_create
from tests.fixtures_data import FIXTURES

FEEDBACK_FILE = FIXTURES / HELSINKI_FEEDBACK


def records():
    """The fixture's records as the file has them, read apart from the
    importer."""
    with gzip.open(FEEDBACK_FILE, "rt", encoding="utf-8") as handle:
        return json.load(handle)["features"]


@pytest.fixture
def api_key(db):
    """A client application's key (the key itself, as the command shows it)."""
    return api_key_create(name="Test client")[1]


def post(client, fmt="json", **data):
    return client.post(f"/open311/v2/requests.{fmt}", data)


def georeport_error(response, status):
    """The response is a GeoReport v2 error document with ``status``; its
    descriptions."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body
    assert all(error["code"] == status for error in body)
    return [error["description"] for error in body]
