import csv
import io

import pytest

from initiatives import services
from initiatives.models import Initiative, Support
from tests.initiatives.conftest import gathering, signed_in

pytestmark = pytest.mark.django_db


def test_a_resident_writes_sees_similar_ones_publishes_and_another_supports(
    client, author
):
    gathering(author, title="Leikkipuisto Kluuviin", text="Uusi leikkipuisto.")
    signed_in(client, "writer")
    form = client.get("/fi/initiatives/new/")
    assert form.status_code == 200
    assert "/fi/feedback/new/" in form.content.decode()
    response = client.post(
        "/fi/initiatives/new/",
        {
            "title": "Keinuja leikkipuistoon",
            "text": "Kluuvin leikkipuistoon tarvitaan lisää keinuja.",
            "language": "fi",
            "topic": "parks",
            "neighbourhood": "02",
        },
    )
    assert response.status_code == 302
    draft = Initiative.objects.get(title="Keinuja leikkipuistoon")
    assert draft.status == "draft"
    assert ("neighbourhood", "02") in set(draft.areas.values_list("level", "code"))
    page = client.get(response["Location"]).content.decode()
    suggestions = page.split('id="similar-title"')[1].split("</section>")[0]
    # Five same-topic items, among them real OmaStadi playground proposals.
    assert suggestions.count("<li>") == 5
    assert "leikkipuisto" in suggestions.lower()
    client.post(f"/fi/initiatives/{draft.pk}/publish")
    draft.refresh_from_db()
    assert draft.status == "gathering"

    other = client.__class__()
    signed_in(other, "supporter")
    assert other.post(f"/fi/initiatives/{draft.pk}/support").status_code == 302
    assert "Withdraw" in other.get(f"/en/initiatives/{draft.pk}/").content.decode()
    assert Support.objects.filter(initiative=draft).count() == 1


def test_an_empty_text_on_the_form_is_a_400_and_stores_nothing(client):
    signed_in(client, "writer")
    response = client.post(
        "/fi/initiatives/new/",
        {"title": "X", "text": "  ", "language": "fi", "topic": "parks"},
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_support_without_signing_in_is_refused_on_the_page(client, author):
    initiative = gathering(author)
    response = client.post(f"/fi/initiatives/{initiative.pk}/support")
    assert response.status_code == 403
    assert not Support.objects.exists()


def test_the_report_page_and_csv_list_an_answered_initiative(client, author, planner):
    initiative = gathering(author)
    services.initiative_submit(actor=author, initiative=initiative)
    services.initiative_answer(
        actor=planner,
        initiative=initiative,
        answer="Rakennetaan 2027.",
        actions="Rahoitus varattu.",
    )
    initiative.refresh_from_db()
    published = initiative.published_at
    half = f"{published.year}-H{1 if published.month <= 6 else 2}"
    page = client.get("/en/initiatives/report/", {"half": half}).content.decode()
    assert "Rakennetaan 2027." in page
    response = client.get("/en/initiatives/report/", {"half": half, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["title"], r["answer"], r["actions"], r["supports"]) for r in rows] == [
        ("Leikkipuisto Kluuviin", "Rakennetaan 2027.", "Rahoitus varattu.", "0")
    ]
    assert client.get("/en/initiatives/report/", {"half": "soon"}).status_code == 400


def test_initiatives_are_an_ogc_collection_and_in_the_area_feed(client, author):
    initiative = gathering(author, title="DEMO: Leikkipuisto", is_demo=True)
    items = client.get("/ogc/collections/initiatives/items").json()
    assert [f["properties"]["title"] for f in items["features"]] == [
        "DEMO: Leikkipuisto"
    ]
    assert items["features"][0]["properties"]["is_demo"] is True
    feed = client.get("/fi/areas/neighbourhood/02/feed/").content.decode()
    assert f"piiri:initiatives:{initiative.pk}" in feed
    area = client.get("/fi/areas/neighbourhood/02/").content.decode()
    assert "DEMO: Leikkipuisto" in area
    tile = client.get("/tiles/initiatives/12/2331/1185.pbf")
    assert tile.status_code == 200


def test_a_budget_proposal_page_shows_items_on_the_same_topic(client):
    from cases.models import BudgetProposal

    proposal = BudgetProposal.objects.get(round=1, source_id="99")
    page = client.get(f"/en/items/budget-proposals/{proposal.pk}/").content.decode()
    listed = page.split('id="similar-title"')[1].split("</section>")[0]
    assert listed.count("<li>") == 5
    assert f"/budget-proposals/{proposal.pk}/" not in listed
