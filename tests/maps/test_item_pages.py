import mapbox_vector_tile
import pytest

from cases.models import BudgetProposal
from tests.browser.items import create_map_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    return create_map_items()


def test_item_page_shows_essentials_and_every_area_in_the_language(client, items):
    case = items.pending_case
    response = client.get(f"/sv/items/cases/{case.pk}/")
    html = response.content.decode()
    assert "<h1>TEST: Bänkarna på Järnvägstorget</h1>" in html
    assert "anhängigt" in html
    assert 'href="/sv/areas/sub_district/020/">Gloet</a>' in html
    summary = client.get(f"/en/items/cases/{case.pk}/", {"format": "json"}).json()
    assert summary["url"] == f"/en/items/cases/{case.pk}/"
    assert ("Status", "pending") in [tuple(row) for row in summary["rows"]]
    assert [a["url"] for a in summary["areas"]] == [
        "/en/areas/major_district/1/",
        "/en/areas/district/101/",
        "/en/areas/sub_district/020/",
        "/en/areas/neighbourhood/02/",
    ]


@pytest.mark.parametrize("path", ["/fi/items/cases/999999/", "/fi/items/nothing/1/"])
def test_unknown_item_or_collection_is_404(client, path):
    assert client.get(path).status_code == 404


def decoded_ids(response):
    layers = mapbox_vector_tile.decode(response.content)
    return sorted(f["properties"]["id"] for f in layers["cases"]["features"])


def test_tiles_take_the_map_filters(client, items):
    # The z9 tile holding all of Helsinki, as points (below zoom 13 a tile
    # is counts unless asked).
    # The session data also holds the real Ahjo cases placed in Helsinki.
    tile = "/tiles/cases/9/291/148.pbf"
    points = {"aggregate": "false"}
    assert {items.pending_case.pk, items.decided_case.pk} <= set(
        decoded_ids(client.get(tile, points))
    )
    decided = set(decoded_ids(client.get(tile, {**points, "status": "decided"})))
    assert items.decided_case.pk in decided
    assert items.pending_case.pk not in decided
    assert client.get(tile, {"status": "lost"}).status_code == 400


def test_proposal_round_filter_rejects_words(client, items):
    response = client.get("/ogc/collections/budget-proposals/items", {"round": "one"})
    assert response.status_code == 400
    assert "round" in response.json()["detail"]
    ok = client.get("/ogc/collections/budget-proposals/items", {"round": "1"})
    # The test's proposal and the real OmaStadi round 1 in the session data.
    assert ok.json()["numberMatched"] == BudgetProposal.objects.filter(round=1).count()


def test_area_feed_lists_new_items_in_the_area(client, items):
    import feedparser

    response = client.get("/en/areas/major_district/1/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "New in Southern"
    links = {entry.link.split("testserver")[-1] for entry in feed.entries}
    # Besides the real items in the session data.
    assert {
        f"/en/items/cases/{items.pending_case.pk}/",
        f"/en/items/budget-proposals/{items.proposal.pk}/",
    } <= links
    assert client.get("/en/areas/major_district/99/feed/").status_code == 404


def test_tile_limit_lowers_the_per_tile_cap(client, items):
    tile = "/tiles/cases/9/291/148.pbf"
    assert len(decoded_ids(client.get(tile, {"aggregate": "false", "limit": "1"}))) == 1
    assert client.get(tile, {"limit": "0"}).status_code == 400
    assert client.get(tile, {"limit": "100000"}).status_code == 400
