"""Every JSON operation of both OpenAPI documents answers what its typed
schema says, checked by schemathesis' own response-schema check on real
data: fuzzing (test_fuzz) mostly meets 404s and 401s, this walks each
operation to a 2xx once, signed in as a city admin. And the check is not
toothless: an answer that drifts from its schema fails it.
"""

import datetime as dt
from dataclasses import replace

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, response_schema_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import JsonSchemaError

from budgeting import apis as budgeting_apis
from budgeting import services as budgeting
from budgeting.models import Phase, Plan
from cases.models import BudgetProposal, Case, Facility
from config.wsgi import application
from districts import apis as districts_apis
from districts.models import District
from initiatives import apis as initiative_apis
from maps import ogc as ogc_views
from maps.layers import LAYERS
from tests.budgeting.conftest import TODAY, open_round, resident
from tests.factories import PASSWORD
from tests.initiatives.conftest import identity

CHECKS = [response_schema_conformance, content_type_conformance]
KLUUVI = {
    "type": "Polygon",
    "coordinates": [
        [
            [24.94, 60.17],
            [24.95, 60.17],
            [24.95, 60.175],
            [24.94, 60.175],
            [24.94, 60.17],
        ]
    ],
}


@pytest.fixture
def documents(keep_test_connection):
    return {
        "rest": schemathesis.openapi.from_wsgi("/api/schema/", application),
        "ogc": schemathesis.openapi.from_wsgi("/ogc/api", application),
    }


def json_operations(schema):
    """(method, path) of every operation with a documented JSON answer."""
    found = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        for response in operation.definition.raw.get("responses", {}).values():
            if any("json" in media for media in response.get("content", {})):
                found.add((operation.method.upper(), operation.path))
    return found


class Walk:
    """Calls operations with real data and runs schemathesis' checks on each
    answer, remembering what it covered."""

    def __init__(self, schema, token):
        self.schema = schema
        self.headers = {"Authorization": f"Token {token}"}
        self.covered = set()

    def __call__(self, method, path, body=None, **parameters):
        operation = self.schema[path][method]
        case = operation.Case(
            path_parameters=parameters.pop("at", None),
            query=parameters.pop("query", None),
            headers=self.headers,
            **({"body": body, "media_type": "application/json"} if body else {}),
        )
        # The operation's own server: schemathesis' WSGI transport otherwise
        # puts the document's base path (/ogc) before TileJSON's /tiles.
        response = case.call(base_url=operation.base_url)
        assert response.status_code < 300, (method, path, response.text[:300])
        case.validate_response(response, checks=CHECKS)
        self.covered.add((method, path))
        return response.json() if response.content else None


@pytest.fixture
def walk(documents, city_admin):
    token = Token.objects.create(user=city_admin).key
    return {name: Walk(schema, token) for name, schema in documents.items()}


def test_every_json_operation_answers_its_typed_schema(walk, documents, monkeypatch):
    rest, ogc = walk["rest"], walk["ogc"]
    round_ = open_round()
    central = District.objects.get(level=District.Level.MAJOR_DISTRICT, code="3")
    plan = budgeting.plan_create(
        round_=round_, title="Puisto", cost=50_000, area=central
    )

    rest("GET", "/api/v1/locate", query={"lon": 24.941, "lat": 60.171})
    rest("GET", "/api/v1/areas/", query={"level": "district"})
    rest(
        "GET",
        "/api/v1/areas/{level}/{code}/",
        at={"level": "district", "code": "101"},
    )
    area = rest(
        "POST", "/api/v1/custom-areas/", {"name_fi": "Kortteli", "boundary": KLUUVI}
    )
    rest("GET", "/api/v1/custom-areas/")
    rest("GET", "/api/v1/custom-areas/{id}/", at={"id": area["id"]})
    rest(
        "PATCH",
        "/api/v1/custom-areas/{id}/",
        {"is_public": True},
        at={"id": area["id"]},
    )
    rest("GET", "/api/v1/me")
    rest("GET", "/api/v1/audit-log/")

    case = Case.objects.exclude(location=None).first()
    proposal = BudgetProposal.objects.first()
    rest("GET", "/api/v1/cases/")
    rest("GET", "/api/v1/cases/{id}/", at={"id": case.pk})
    rest(
        "POST",
        "/api/v1/cases/",
        {
            "title_fi": "Penkki rikki",
            "location": {"type": "Point", "coordinates": [24.941, 60.171]},
        },
    )
    rest("GET", "/api/v1/facilities/")
    rest("GET", "/api/v1/facilities/{id}/", at={"id": Facility.objects.first().pk})
    proposing = budgeting.round_create(
        number=902,
        name="Test round 902",
        total_amount=8_800_000,
        phases={Phase.Kind.PROPOSALS: (TODAY, TODAY + dt.timedelta(days=30))},
    )
    rest(
        "POST",
        "/api/v1/proposals/",
        {"round": proposing.number, "title": "Lisää penkkejä", "district": "3"},
    )
    rest("GET", "/api/v1/proposals/")
    rest("GET", "/api/v1/proposals/{id}/", at={"id": proposal.pk})
    rest("GET", "/api/v1/proposals/{id}/similar", at={"id": proposal.pk})

    # Supporting needs a strongly identified session; the walk signs in with
    # a token, so the identity a sign-in would leave is given directly.
    monkeypatch.setattr(
        initiative_apis, "identity_of", lambda request: identity("schema-walk")
    )
    draft = {"title": "Leikkipuisto", "text": "Uusi leikkipuisto.", "topic": "parks"}
    first = rest("POST", "/api/v1/initiatives/", draft)
    other = rest("POST", "/api/v1/initiatives/", {**draft, "title": "Keinut"})
    for made in (first, other):
        rest("POST", "/api/v1/initiatives/{id}/publish", at={"id": made["id"]})
    rest("GET", "/api/v1/initiatives/")
    rest("GET", "/api/v1/initiatives/{id}/", at={"id": first["id"]})
    rest("POST", "/api/v1/initiatives/{id}/support", at={"id": other["id"]})
    rest("DELETE", "/api/v1/initiatives/{id}/support", at={"id": other["id"]})
    rest("POST", "/api/v1/initiatives/{id}/support", at={"id": other["id"]})
    rest("GET", "/api/v1/initiatives/{id}/similar", at={"id": first["id"]})
    rest(
        "GET",
        "/api/v1/initiatives/suggestions",
        query={"title": "Keinu leikkipuistoon", "text": "Keinu."},
    )
    rest(
        "POST",
        "/api/v1/initiatives/{id}/merge",
        {"into": first["id"]},
        at={"id": other["id"]},
    )
    rest("POST", "/api/v1/initiatives/{id}/submit", at={"id": first["id"]})
    rest(
        "POST",
        "/api/v1/initiatives/{id}/handling",
        {"board": "Kaupunkiympäristölautakunta"},
        at={"id": first["id"]},
    )
    rest(
        "POST",
        "/api/v1/initiatives/{id}/answer",
        {"answer": "Rakennetaan."},
        at={"id": first["id"]},
    )
    rest("POST", "/api/v1/initiatives/{id}/close", at={"id": first["id"]})

    forum = rest(
        "POST",
        "/api/v1/forums/",
        {"area": "major_district:1", "title": "Asukasfoorumi"},
    )
    rest("GET", "/api/v1/forums/")
    rest("GET", "/api/v1/forums/{id}/", at={"id": forum["id"]})
    rest(
        "PATCH",
        "/api/v1/forums/{id}/",
        {"description": "Kerran kuussa"},
        at={"id": forum["id"]},
    )
    # Started already: minutes are published once a meeting has begun.
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    meeting = rest(
        "POST",
        "/api/v1/forums/{id}/meetings/",
        {
            "title": "Asukasilta",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "venue_location": {"type": "Point", "coordinates": [24.941, 60.171]},
            "languages": ["fi", "sv"],
        },
        at={"id": forum["id"]},
    )
    rest("GET", "/api/v1/forums/{id}/meetings/", at={"id": forum["id"]})
    rest(
        "PATCH",
        "/api/v1/meetings/{id}/",
        {"title": "Asukasilta 2"},
        at={"id": meeting["id"]},
    )
    kluuvi_case = Case.objects.filter(areas__code="1").first()
    rest(
        "POST",
        "/api/v1/meetings/{id}/agenda/",
        {"case": kluuvi_case.pk},
        at={"id": meeting["id"]},
    )
    rest(
        "PUT",
        "/api/v1/meetings/{id}/minutes",
        {"body": "Keskusteltiin."},
        at={"id": meeting["id"]},
    )
    rest("GET", "/api/v1/meetings/{id}/", at={"id": meeting["id"]})
    rest("POST", "/api/v1/follows/", {"forum": forum["id"]})
    rest("GET", "/api/v1/follows/")
    rest("GET", "/api/v1/dashboard")

    rest("GET", "/api/v1/budgeting/rounds/")
    rest("GET", "/api/v1/budgeting/rounds/{number}/", at={"number": round_.number})
    rest(
        "GET",
        "/api/v1/budgeting/rounds/{number}/allocation",
        at={"number": round_.number},
    )
    rest(
        "GET",
        "/api/v1/budgeting/rounds/{number}/plans/",
        at={"number": round_.number},
    )
    voter = resident("010190-123M")
    claims = {
        "identifier": voter.identifier,
        "birth_date": voter.birth_date.isoformat(),
        "municipality": voter.municipality,
        "home_major_district": voter.home_major_district,
    }
    ballot = rest(
        "POST",
        "/api/v1/budgeting/rounds/{number}/ballots",
        {"plans": [plan.pk], "voter": claims},
        at={"number": round_.number},
    )
    paper_voter = {**claims, "identifier": "010190-456C"}
    rest(
        "POST",
        "/api/v1/budgeting/rounds/{number}/paper-ballots",
        {"plans": [plan.pk], "voter": paper_voter},
        at={"number": round_.number},
    )
    rest(
        "GET",
        "/api/v1/budgeting/receipts/{code}",
        at={"code": ballot["receipt_code"]},
    )
    rest(
        "GET",
        "/api/v1/budgeting/rounds/{number}/results",
        at={"number": round_.number},
    )
    # Selected as a published result would select it; voting is still open.
    Plan.objects.filter(pk=plan.pk).update(selected=True)
    rest(
        "PATCH",
        "/api/v1/budgeting/plans/{plan_id}/implementation",
        {"status": "planned", "notes": "Suunnittelussa"},
        at={"plan_id": plan.pk},
    )
    rest("POST", "/api/v1/auth/token", {"username": "cityadmin", "password": PASSWORD})
    rest(
        "GET",
        "/api/v1/participation/",
        query={"level": "district", "measure": "proposals", "round": 1},
    )

    ogc("GET", "/")
    ogc("GET", "/conformance")
    ogc("GET", "/collections")
    for name in ("districts", "cases", "forums", "custom-areas", "budget-proposals"):
        ogc("GET", "/collections/{collectionId}", at={"collectionId": name})
        ogc("GET", "/collections/{collectionId}/queryables", at={"collectionId": name})
        ogc("GET", "/collections/{collectionId}/items", at={"collectionId": name})
        ogc("GET", "/tiles/{collectionId}.json", at={"collectionId": name})
    # A tile's JSON answers are its errors: an empty tile (204) walks it.
    ogc(
        "GET",
        "/tiles/{collectionId}/{z}/{x}/{y}.pbf",
        at={"collectionId": "cases", "z": 10, "x": 0, "y": 0},
    )
    ogc(
        "GET",
        "/collections/{collectionId}/items/{featureId}",
        at={"collectionId": "cases", "featureId": str(case.pk)},
    )
    ogc(
        "GET",
        "/collections/{collectionId}/items/{featureId}",
        at={"collectionId": "districts", "featureId": "101"},
    )
    for path in documents["ogc"].raw_schema["paths"]:
        if (
            path.startswith("/collections/")
            and path.endswith("/items")
            and "{" not in path
        ):
            ogc("GET", path, query={"limit": 3})

    for name, schema in documents.items():
        assert json_operations(schema) - walk[name].covered == set(), name


def wrong_type(monkeypatch):
    row = budgeting_apis.round_json
    monkeypatch.setattr(
        budgeting_apis,
        "round_json",
        lambda round_: {**row(round_), "total_amount": str(round_.total_amount)},
    )


def missing_member(monkeypatch):
    ref = districts_apis.area_ref
    monkeypatch.setattr(
        districts_apis,
        "area_ref",
        lambda area: {k: v for k, v in ref(area).items() if k != "code"},
    )


def extra_member(monkeypatch):
    link = ogc_views.link
    monkeypatch.setattr(
        ogc_views, "link", lambda *args: {**link(*args), "hreflang": "fi"}
    )


def lost_property(monkeypatch):
    cases = LAYERS["cases"]
    kept = tuple(name for name in cases.properties if name != "placement")
    monkeypatch.setitem(LAYERS, "cases", replace(cases, properties=kept))


# How an answer drifts, where it shows, and what the violation names.
DRIFTS = {
    "a number becomes text": (
        wrong_type,
        ("rest", "/api/v1/budgeting/rounds/", {}),
        "total_amount",
    ),
    "a required member goes missing": (
        missing_member,
        ("rest", "/api/v1/areas/{level}/{code}/", {"level": "district", "code": "101"}),
        "code",
    ),
    "an undeclared member appears": (
        extra_member,
        ("ogc", "/collections/{collectionId}", {"collectionId": "districts"}),
        "hreflang",
    ),
    "a feature loses a property": (
        lost_property,
        ("ogc", "/collections/cases/items", {}),
        "placement",
    ),
}


@pytest.mark.parametrize("drift", DRIFTS, ids=list(DRIFTS))
def test_an_answer_that_drifts_from_its_schema_fails_the_check(
    drift, documents, monkeypatch
):
    make_drift, (document, path, at), named = DRIFTS[drift]
    open_round()
    operation = documents[document][path]["GET"]
    case = operation.Case(path_parameters=at)

    def answer():
        response = case.call(base_url=operation.base_url)
        assert response.status_code == 200
        return response

    case.validate_response(answer(), checks=[response_schema_conformance])
    make_drift(monkeypatch)
    with pytest.raises(FailureGroup) as failed:
        case.validate_response(answer(), checks=[response_schema_conformance])
    violations = [f for f in failed.value.exceptions if isinstance(f, JsonSchemaError)]
    assert violations and all(named in f.message for f in violations)
