import pytest

from cases.models import BudgetProposal
from initiatives.models import Initiative, Support
from initiatives.similarity import Query, similar
from tests.initiatives.conftest import draft, gathering, signed_in
from tests.places import RAILWAY_STATION

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": [24.9414, 60.1710]}


def body(**fields):
    return {
        "title": "Uusi leikkipuisto",
        "text": "Kluuviin tarvitaan leikkipuisto.",
        "topic": "parks",
        "location": POINT,
        **fields,
    }


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"text": ""}, "text"),
        (
            {"location": {"type": "Point", "coordinates": [24.805, 60.175]}},
            "outside Helsinki",
        ),
        ({"topic": "weather"}, "topic"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_nothing_stored(client, fields, message):
    signed_in(client, "writer")
    response = client.post(
        "/api/v1/initiatives/", body(**fields), content_type="application/json"
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Initiative.objects.exists()


def test_a_resident_writes_publishes_and_others_support(client):
    signed_in(client, "writer")
    created = client.post(
        "/api/v1/initiatives/", body(), content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert {a["code"] for a in created.json()["areas"]} >= {"1", "020"}
    published = client.post(f"/api/v1/initiatives/{pk}/publish")
    assert published.json()["status"] == "gathering"

    for subject in ("supporter-1", "supporter-2"):
        other = client.__class__()
        signed_in(other, subject)
        assert other.post(f"/api/v1/initiatives/{pk}/support").status_code == 201
        again = other.post(f"/api/v1/initiatives/{pk}/support")
        assert (again.status_code, again.json()["supports"]) == (
            200,
            2 if subject == "supporter-2" else 1,
        )
    detail = client.get(f"/api/v1/initiatives/{pk}/").json()
    assert detail["supports"] == 2
    assert detail["council_threshold"]["residents_supporting"] == 2
    assert detail["support_by_home_district"] == [
        {"code": "3", "name": "Keskinen", "supports": 2}
    ]


def test_support_by_an_anonymous_client_is_refused(client, author):
    initiative = gathering(author)
    response = client.post(f"/api/v1/initiatives/{initiative.pk}/support")
    assert response.status_code in (401, 403)
    assert response.json()["detail"]
    assert not Support.objects.exists()


def test_support_after_submission_is_a_400(client, author):
    initiative = gathering(author)
    from initiatives.services import initiative_submit

    initiative_submit(actor=author, initiative=initiative)
    signed_in(client, "late")
    response = client.post(f"/api/v1/initiatives/{initiative.pk}/support")
    assert response.status_code == 400
    assert "not gathering support" in response.json()["detail"]
    assert not Support.objects.exists()


def test_an_unknown_initiative_is_a_404_and_a_bad_id_a_400(client):
    signed_in(client, "someone")
    assert client.post("/api/v1/initiatives/999999/support").status_code == 404
    assert client.get("/api/v1/initiatives/999999/similar").status_code == 404
    bad = client.get("/api/v1/initiatives/abc/")
    assert bad.status_code == 400 and "whole number" in bad.json()["detail"]


def test_a_draft_is_seen_by_its_author_only(client, author):
    initiative = draft(author)
    assert client.get(f"/api/v1/initiatives/{initiative.pk}/").status_code == 404
    client.force_login(author)
    assert client.get(f"/api/v1/initiatives/{initiative.pk}/").status_code == 200


def test_finnish_inflection_leikkipuistoon_finds_leikkipuisto(client, author):
    target = gathering(author, title="Leikkipuisto", text="Uusi leikkipuisto lapsille.")
    other = gathering(author, title="Pyörätie", text="Parempi pyörätie Kallioon.")
    query = Query(title="Keinu leikkipuistoon", text="Haluan keinun leikkipuistoon.")
    found = similar(query, proposals=False)
    # Stemmed alike ("leikkipuisto"), the playground ranks first on text;
    # the cycle path shares no lexeme.
    assert [(item.id, item.text) for item in found] == [
        (target.pk, 1.0),
        (other.pk, 0.0),
    ]

    # The writing page's API: real OmaStadi playground and swing proposals.
    response = client.get(
        "/api/v1/initiatives/suggestions", {"title": query.title, "text": query.text}
    )
    assert response.status_code == 200
    titles = [i["title"].lower() for i in response.json()["similar"]]
    assert len(titles) == 5
    assert all("leikki" in t or "keinu" in t for t in titles)


def test_similar_proposals_are_the_real_omastadi_ones(client, author):
    # Round 1 proposal "Kokostadin energiaremppa" (OmaStadi id 99).
    proposal = BudgetProposal.objects.get(round=1, source_id="99")
    response = client.get(f"/api/v1/proposals/{proposal.pk}/similar", {"limit": 5})
    assert response.status_code == 200
    found = response.json()
    assert len(found) == 5
    assert proposal.pk not in [i["id"] for i in found]
    assert found == sorted(found, key=lambda i: -i["rank"])
    assert all(i["kind"] in ("proposal", "initiative") for i in found)
    assert (
        client.get(f"/api/v1/proposals/{proposal.pk}/similar", {"limit": 0}).status_code
        == 400
    )


def test_an_initiatives_similar_list_leaves_itself_out(client, author):
    initiative = gathering(author, location=RAILWAY_STATION)
    response = client.get(f"/api/v1/initiatives/{initiative.pk}/similar", {"limit": 3})
    assert response.status_code == 200
    assert ("initiative", initiative.pk) not in [
        (i["kind"], i["id"]) for i in response.json()
    ]
    assert len(response.json()) == 3


def test_text_that_looks_like_feedback_is_told_so(client):
    response = client.get(
        "/api/v1/initiatives/suggestions",
        {"title": "Katulamppu rikki", "text": "Lamppu on ollut rikki viikon."},
    )
    assert response.json()["looks_like_feedback"] is True
    calm = client.get(
        "/api/v1/initiatives/suggestions",
        {"title": "Uimaranta Vuosaareen", "text": "Ehdotan uutta uimarantaa."},
    )
    assert calm.json()["looks_like_feedback"] is False
