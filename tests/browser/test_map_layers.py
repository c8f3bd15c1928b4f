import json
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_map


@pytest.fixture
def map_page(page, map_items):
    return open_map(page, "/en/")


def feature_count(page):
    # Items drawn: below the aggregation zoom a cell stands for its count.
    return page.evaluate(
        "Object.keys(window.piiri.layers.active)"
        ".reduce((n, name) => n + window.piiri.layers.itemCount(name), 0)"
    )


def wait_for_features(page, count, timeout=10):
    # Polled from Python: the CSP forbids the eval that a string
    # wait_for_function would need. Features are drawn on canvas tiles.
    deadline = time.monotonic() + timeout
    while feature_count(page) != count:
        assert time.monotonic() < deadline, f"{feature_count(page)} != {count}"
        page.wait_for_timeout(100)


def click_item(page, item):
    # Points from zoom 13; below it a click on a cell zooms in.
    page.evaluate(
        "([lon, lat]) => window.piiri.map.setView([lat, lon], 15, {animate: false})",
        [item.location.x, item.location.y],
    )
    deadline = time.monotonic() + 10
    while not page.evaluate(
        "window.piiri.map.getZoom() === 15 && Object.keys(window.piiri.layers.active)"
        ".some(name => window.piiri.layers.featureCount(name))"
    ):
        assert time.monotonic() < deadline, "no points drawn at zoom 15"
        page.wait_for_timeout(100)
    point = page.evaluate(
        "([lon, lat]) => window.piiri.map.latLngToContainerPoint([lat, lon])",
        [item.location.x, item.location.y],
    )
    page.locator("#map").click(position={"x": point["x"], "y": point["y"]})


@pytest.mark.parametrize(
    ("layer", "count"), [("cases", 2), ("facilities", 1), ("budget-proposals", 1)]
)
def test_toggling_a_layer_shows_and_hides_its_features(map_page, layer, count):
    page = map_page
    assert feature_count(page) == 0
    page.check(f"#layer-{layer}")
    wait_for_features(page, count)
    page.uncheck(f"#layer-{layer}")
    wait_for_features(page, 0)


def test_the_forums_layer_draws_each_forum_as_its_area(map_page, map_items):
    page = map_page
    page.check("#layer-forums")
    # An area can straddle tiles: each tile holding part of it draws it.
    deadline = time.monotonic() + 10
    while not page.evaluate("window.piiri.layers.featureCount('forums')"):
        assert time.monotonic() < deadline, "no forum drawn"
        page.wait_for_timeout(100)
    drawn = page.evaluate(
        "Object.values(window.piiri.layers.active.forums._vectorTiles).flatMap("
        "tile => Object.values(tile._features).map(f => ["
        "f.feature.properties, f.feature instanceof L.Polygon]))"
    )
    # The map asks its tiles for ids alone; the popup fetches the rest.
    assert {(props["id"], polygon) for props, polygon in drawn} == {
        (map_items.forum.pk, True)
    }
    assert all(set(props) == {"id"} for props, _ in drawn)
    page.uncheck("#layer-forums")
    wait_for_features(page, 0)


def test_a_filter_asks_the_server_for_matching_features_only(map_page):
    page = map_page
    page.check("#layer-cases")
    wait_for_features(page, 2)
    page.select_option("#filter-cases-status", "decided")
    wait_for_features(page, 1)
    expect(page.locator("#in-view li button")).to_have_text(
        ["TESTI: Itäkeskuksen pyörätelineet"]
    )


def test_clicking_a_feature_opens_its_popup_and_then_its_page(map_page, map_items):
    page = map_page
    page.check("#layer-facilities")
    wait_for_features(page, 1)
    click_item(page, map_items.playground)
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert popup.locator("h2").inner_text() == "TESTI: Leikkipuisto Malmi"
    areas = popup.locator(".popup-areas").inner_text()
    assert "Northern" in areas or "North-Eastern" in areas
    popup.get_by_role("link", name="Open the page").click()
    page.wait_for_url(f"**/en/items/facilities/{map_items.playground.pk}/")
    assert page.locator("h1").inner_text() == "TESTI: Leikkipuisto Malmi"


def test_a_keyboard_user_turns_on_a_layer_and_opens_a_features_page(
    map_page, map_items
):
    page = map_page
    page.focus("#layer-budget-proposals")
    page.keyboard.press("Space")
    page.wait_for_selector("#in-view li button")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#in-view') !== null"):
            break
    else:
        raise AssertionError("the list of items in view was not reachable by Tab")
    assert page.evaluate("document.activeElement.textContent") == (
        "TEST: Suomenlinna benches"
    )
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup a.popup-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/items/budget-proposals/{map_items.proposal.pk}/")


def query_counts(page):
    rows = page.locator("#query-result .query-counts tr")
    return {
        row.get_attribute("data-collection"): int(row.locator("td").inner_text())
        for row in rows.all()
    }


def api_counts(page, body):
    response = page.request.post(
        "/api/v1/query",
        data=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert response.ok, response.text()
    return {name: entry["count"] for name, entry in response.json()["counts"].items()}


def test_drawing_a_polygon_gives_the_same_counts_as_the_query_api(map_page):
    page = map_page
    page.evaluate("window.piiri.map.setView([60.19, 24.99], 11, {animate: false})")
    page.get_by_role("button", name="Draw an area").click()
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-250, -200), (250, -200), (250, 200), (-250, 200)]
    for dx, dy in corners:
        page.mouse.click(cx + dx, cy + dy)
    page.mouse.click(cx + corners[0][0], cy + corners[0][1])
    page.wait_for_selector("#query-result .query-counts")
    shown = query_counts(page)
    drawn = page.evaluate("window.piiri.query.drawn.toGeoJSON().geometry")
    expected = api_counts(page, {"geometry": drawn, "collections": list(shown)})
    assert shown == expected
    # The polygon covers the centre and the east: both test cases are in it.
    assert shown["cases"] >= 2
    assert page.locator("#query-result .downloads button").count() == 3


def test_the_selected_district_can_be_queried_without_drawing(map_page):
    page = map_page
    page.locator("[data-piiri-select='major_district:1']").click()
    page.get_by_role("button", name="Use the selected district").click()
    page.wait_for_selector("#query-result .query-counts")
    shown = query_counts(page)
    assert shown == api_counts(
        page, {"area": "major_district:1", "collections": list(shown)}
    )
    assert shown["budget-proposals"] >= 1 and shown["cases"] >= 1


def test_a_low_zoom_map_draws_counts_and_says_how_many_items_it_holds(
    map_page, map_items
):
    page = map_page
    page.evaluate("window.piiri.map.setView([60.19, 24.99], 11, {animate: false})")
    page.check("#layer-cases")
    wait_for_features(page, 2)
    cells = page.evaluate(
        "Object.values(window.piiri.layers.active.cases._vectorTiles).flatMap("
        "tile => Object.values(tile._features).map(f => f.feature.properties))"
    )
    assert cells and all("count" in c and "id" not in c for c in cells)
    labels = page.locator(".cell-count")
    expect(labels.first).to_be_visible()
    assert sum(int(text) for text in labels.all_inner_texts()) == 2
    expect(page.locator("#map-count")).to_have_text("In this view: Cases 2.")
    assert page.locator("#map-count").get_attribute("aria-live") == "polite"
    page.screenshot(path="/tmp/aggregate-map-z11.png")
    # Clicking a cell zooms in towards the points.
    box = labels.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    deadline = time.monotonic() + 10
    while page.evaluate("window.piiri.map.getZoom()") != 13:
        assert time.monotonic() < deadline, "a click on a cell did not zoom in"
        page.wait_for_timeout(100)
