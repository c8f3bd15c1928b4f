from playwright.sync_api import expect

from districts.models import District
from tests.browser.conftest import open_map

MAJOR = District.Level.MAJOR_DISTRICT


def major_names(language):
    return sorted(
        getattr(area, f"name_{language}") or area.name_fi
        for area in District.objects.at_level(MAJOR).on_land()
    )


def test_map_loads_with_the_eight_major_districts_drawn(page):
    open_map(page, "/")
    labels = page.locator("#map .area-label")
    assert sorted(labels.all_inner_texts()) == major_names("fi")
    assert len(major_names("fi")) == 8
    outlines = page.locator("#map .leaflet-overlay-pane path.leaflet-interactive")
    assert outlines.count() == 8


def test_clicking_an_area_highlights_it_and_opens_its_page(page):
    open_map(page, "/fi/")
    page.locator("#map .area-label", has_text="Keskinen").click()
    popup = page.locator(".leaflet-popup")
    assert popup.locator("h2").inner_text() == "Keskinen"
    assert page.locator('#map path[stroke="#b3001b"]').count() == 1
    popup.get_by_role("link").click()
    page.wait_for_url("**/fi/areas/major_district/3/")
    assert page.locator("h1").inner_text().startswith("Keskinen")


def test_switching_language_changes_the_ui_strings(page):
    open_map(page, "/fi/")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.get_by_role("link", name="Luettelot", exact=True).is_visible()
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_selector("#map[data-ready=true]")
    assert page.url.endswith("/sv/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("link", name="Listor", exact=True).is_visible()
    assert page.get_by_label("Sök en plats").is_visible()
    assert sorted(page.locator("#map .area-label").all_inner_texts()) == major_names(
        "sv"
    )
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("#map[data-ready=true]")
    assert page.url.endswith("/en/")
    assert page.get_by_role("link", name="Lists", exact=True).is_visible()
    assert page.get_by_label("Search for a place").is_visible()
    assert "Southern" in page.locator("#map .area-label").all_inner_texts()


def test_a_keyboard_user_reaches_an_area_on_the_map_and_the_list_view(page):
    open_map(page, "/en/")
    # Tab until an area name on the map has focus, then open it with Enter.
    # Past the header's sections, the search and "take part now" links.
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.classList.contains('area-label')"
            " ? document.activeElement.textContent : null"
        )
        if focused == "Central":
            break
    else:
        raise AssertionError("no area on the map was reachable with Tab")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup a.popup-link")
    expect(link).to_be_focused()
    assert link.get_attribute("href") == "/en/areas/major_district/3/"
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/areas/major_district/3/")
    # From the top of any page, the list view is a few Tabs away.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Lists":
            break
    else:
        raise AssertionError("the list view link was not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/list/")
    assert page.get_by_role("link", name="Kallio").count() >= 1


def test_searching_a_swedish_place_name_jumps_the_map_there(page):
    open_map(page, "/sv/")
    page.get_by_label("Sök en plats").fill("Berghäll")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    assert page.locator(".leaflet-popup h2").inner_text() == "Berghäll"
    center = page.evaluate("window.piiri.map.getCenter()")
    assert 60.17 < center["lat"] < 60.20 and 24.93 < center["lng"] < 25.0
