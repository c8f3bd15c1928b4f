"""numberMatched: exact, counted once per query and data version, and left
out when the client asks."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.services.cases import case_create
from districts.services import custom_area_create
from geo.params import parse_bbox, parse_polygon
from geo.points import point_at
from tests import places

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/cases/items"
# Around the railway station and Kluuvi.
BBOX = "24.93,60.165,24.955,60.175"
QUERY = {"bbox": BBOX, "status": "decided", "limit": "2"}


@pytest.fixture(autouse=True)
def no_kept_counts():
    caches["counts"].clear()
    yield
    caches["counts"].clear()


@pytest.fixture
def cases_in_the_box():
    for i in range(7):
        case_create(
            title_fi=f"Kluuvin asia {i}",
            location=point_at(lon=24.94 + i * 0.001, lat=60.17),
            status="decided" if i % 2 else "pending",
        )


def exact_count(status: str = "decided") -> int:
    return Case.objects.filter(
        status=status, location__intersects=parse_bbox(BBOX)
    ).count()


def get_items(client, **extra):
    """The items page, and how many statements counted every match."""
    with CaptureQueriesContext(connection) as captured:
        body = client.get(ITEMS, {**QUERY, **extra}).json()
    counts = sum("SELECT count(*) FROM (SELECT" in q["sql"] for q in captured)
    return body, counts


def test_number_matched_is_the_exact_count(client, cases_in_the_box):
    body, counts = get_items(client)
    assert counts == 1
    assert body["numberMatched"] == exact_count() >= 3
    assert body["numberReturned"] == 2


def test_a_count_is_reused_while_the_data_version_holds(client, cases_in_the_box):
    first, _ = get_items(client)
    again, counts = get_items(client, offset="2")
    assert counts == 0
    assert again["numberMatched"] == first["numberMatched"] == exact_count()
    # Another query is counted on its own.
    other, counts = get_items(client, status="pending")
    assert counts == 1
    assert other["numberMatched"] == exact_count("pending") >= 4


def test_a_new_case_is_counted_at_once(client, cases_in_the_box):
    before, _ = get_items(client)
    case_create(
        title_fi="Uusi", location=point_at(lon=24.945, lat=60.171), status="decided"
    )
    after, counts = get_items(client)
    assert counts == 1
    assert after["numberMatched"] == before["numberMatched"] + 1 == exact_count()


def test_a_raw_sql_insert_is_counted_at_once(client, cases_in_the_box):
    before, _ = get_items(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_case (diary_number, source_id, title_fi, title_sv,"
            " summary_fi, summary_sv, status, department, decision_maker,"
            " classification, links, placement, place_names, created_at,"
            " updated_at, location) SELECT '', '', 'Raaka', '', '', '', 'decided',"
            " '', '', '', '[]', 'given', '[]', now(), now(), location"
            " FROM cases_case WHERE title_fi = 'Kluuvin asia 1'"
        )
    after, _ = get_items(client)
    assert after["numberMatched"] == before["numberMatched"] + 1 == exact_count()


def test_count_false_leaves_number_matched_out(client, cases_in_the_box):
    body, counts = get_items(client, count="false")
    assert counts == 0
    assert "numberMatched" not in body
    assert body["numberReturned"] == 2
    # A full page may have more after it.
    assert any(link["rel"] == "next" for link in body["links"])
    last, _ = get_items(client, count="false", offset="2", limit="100")
    assert last["numberReturned"] == exact_count() - 2
    assert not any(link["rel"] == "next" for link in last["links"])


def test_count_takes_true_or_false(client):
    response = client.get(ITEMS, {"count": "maybe"})
    assert response.status_code == 400
    assert "'count' must be true or false" in response.json()["detail"]


def test_a_count_by_custom_area_is_not_kept(client, planner, cases_in_the_box):
    area = custom_area_create(
        actor=planner,
        name_fi="Oma",
        boundary=parse_polygon(places.square(places.RAILWAY_STATION, 0.01)),
        is_public=True,
    )
    get_items(client, custom_area=str(area.pk))
    _, counts = get_items(client, custom_area=str(area.pk))
    assert counts == 1
