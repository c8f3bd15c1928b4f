"""Real clients of the Open311 API and the feedback collection, against
the app served by gunicorn on the test database: the GeoReport v2 library
from PyPI (``georeport``) and GDAL's OGC API Features driver.

``georeport`` (the one GeoReport v2 client on PyPI that runs on Python 3;
``three`` and ``open311`` are Python 2 code) reads services and requests
but has no POST: the post is sent as the spec defines it, a form-encoded
body with the ``api_key``, exactly as ``three.Three.post`` sends it.

The server is a separate process, so it sees only committed rows: this
module commits its API key and deletes it, and what it posted, afterwards.
"""

import subprocess

import httpx
import pytest
from django.db import connection
from georeport import GeoReport

from bench.server import app_server
from feedback.keys import api_key_create
from feedback.models import ApiKey, Feedback
from tests import places
from tests.committed import committed

# The module fixture needs the test database even when this module runs alone:
# without a django_db test, pytest-django would leave the settings on the
# development database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with committed(django_db_blocker):
        row, key = api_key_create(name="georeport client test")
        settings = connection.settings_dict
    url = (
        f"postgis://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )
    try:
        with app_server(url, workers=2) as base:
            yield base, key
    finally:
        with committed(django_db_blocker):
            Feedback.objects.filter(api_key=row).delete()
            ApiKey.objects.filter(pk=row.pk).delete()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_lists_posts_and_reads_back_the_routed_unit(server, fmt):
    base, key = server
    client = GeoReport(f"{base}/open311/v2", api_key=key, output_format=fmt)
    services = client.get_service_list()
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["176"] == "Graffiti removal"
    assert len(names) == 10
    posted = httpx.post(
        f"{base}/open311/v2/requests.json",
        data={
            "api_key": client.api_key,
            "service_code": "176",
            "description": "Töhryjä aseman seinässä.",
            "lat": str(places.RAILWAY_STATION.y),
            "long": str(places.RAILWAY_STATION.x),
            "email": "antaja@example.org",
        },
    )
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    read = client.get_service_request(request_id)
    assert read["service_request_id"] == request_id
    assert read["agency_responsible"] == "Rakennusvirasto"
    assert read["status"] == "open"
    assert "antaja@example.org" not in str(read)
    listed = client.get_service_requests(service_code="176", status="open")
    if fmt == "xml" and isinstance(listed, dict):
        listed = [listed]
    assert request_id in [r["service_request_id"] for r in listed]


def test_gdal_reads_the_feedback_collection(server):
    base, _ = server
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{base}/ogc", "feedback"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Geometry: Point" in result.stdout
    assert "service_code: String" in result.stdout
    features = subprocess.run(
        [
            "ogrinfo",
            "-ro",
            "-q",
            f"OAPIF:{base}/ogc",
            "feedback",
            "-where",
            "service_code = '645'",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert features.returncode == 0, features.stderr
    assert features.stdout.count("OGRFeature(feedback)") == 9
