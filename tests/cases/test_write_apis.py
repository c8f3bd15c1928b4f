"""Filing cases and submitting proposals over HTTP: bad input is a 400 that
says what is wrong, and nothing is saved."""

import datetime as dt

import pytest
from django.utils import timezone

from budgeting.models import Phase
from budgeting.services import round_create
from cases.models import BudgetProposal, Case
from tests import places

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def english(client):
    # Finnish is the default; the messages asserted here are English.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


PROPOSALS = "/api/v1/proposals/"


@pytest.fixture
def round_five(db):
    """A synthetic round 5 taking proposals today; not OmaStadi data."""
    today = timezone.localdate()
    return round_create(
        number=5,
        name="Test round 5",
        total_amount=1_000_000,
        phases={Phase.Kind.PROPOSALS: (today, today + dt.timedelta(days=30))},
        allocate_now=False,
    )


def point(p):
    return {"type": "Point", "coordinates": [p.x, p.y]}


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[24.93, 60.16], [24.95, 60.18], [24.95, 60.16], [24.93, 60.18], [24.93, 60.16]]
    ],
}


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[24.93, 60.16], [24.95, 60.16], [24.95, 60.18], [24.93, 60.18], [24.93, 60.16]]
    ],
}


def test_staff_file_a_case_and_it_is_linked_to_its_areas(client, planner):
    client.force_login(planner)
    response = client.post(
        CASES,
        {"title_fi": "Penkki rikki", "location": point(places.RAILWAY_STATION)},
        "application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    codes = {(a["level"], a["code"]) for a in body["areas"]}
    assert ("sub_district", "020") in codes
    assert ("major_district", "1") in codes
    assert Case.objects.get(pk=body["id"]).title_fi == "Penkki rikki"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title_fi": "x", "location": BOWTIE}, "location", "Self-intersection"),
        (
            {"title_fi": "x", "location": point(places.TAPIOLA_ESPOO)},
            "location",
            "outside Helsinki",
        ),
        ({"title_fi": "x", "location": 42}, "location", "Expected a GeoJSON geometry"),
        ({"title_fi": "x", "status": "maybe"}, "status", "not a valid choice"),
        ({"location": point(places.RAILWAY_STATION)}, "title_fi", "required"),
    ],
)
def test_bad_cases_are_a_400_saying_what_is_wrong(
    client, planner, body, field, message
):
    client.force_login(planner)
    before = Case.objects.count()
    response = client.post(CASES, body, "application/json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Case.objects.count() == before


def test_only_staff_file_cases(client, resident):
    body = {"title_fi": "x", "location": point(places.RAILWAY_STATION)}
    assert client.post(CASES, body, "application/json").status_code == 401
    client.force_login(resident)
    response = client.post(CASES, body, "application/json")
    assert response.status_code == 403
    assert "city staff" in response.json()["detail"]


def test_a_resident_submits_a_proposal_to_a_major_district(
    client, resident, round_five
):
    client.force_login(resident)
    response = client.post(
        PROPOSALS,
        {
            "round": 5,
            "title": "Lisää penkkejä",
            "district": "7",
            "location": point(places.ITAKESKUS_METRO),
        },
        "application/json",
    )
    assert response.status_code == 201, response.content
    proposal = BudgetProposal.objects.get(pk=response.json()["id"])
    assert proposal.district.code == "7"
    assert proposal.status == BudgetProposal.Status.SUBMITTED
    assert response.json()["round"] == 5


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"round": 5, "title": "x", "district": "99"}, "district", "No major district"),
        ({"round": "five", "title": "x", "district": "1"}, "round", "valid integer"),
        (
            {"round": 5, "title": "x", "district": "1", "location": SQUARE},
            "location",
            "A Polygon is not accepted here; use Point",
        ),
    ],
)
def test_bad_proposals_are_a_400_and_nothing_is_saved(
    client, resident, round_five, body, field, message
):
    client.force_login(resident)
    before = BudgetProposal.objects.count()
    response = client.post(PROPOSALS, body, "application/json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert BudgetProposal.objects.count() == before
