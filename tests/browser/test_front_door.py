"""A new resident's way in: the header on every page, where am I, search,
lists that are complete, topics, and honest dots."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from cases.importers.proposals import PLACEHOLDER_POINTS
from cases.models import BudgetProposal, Case, Facility
from districts.models import District
from geo import srid
from maps.listing import PAGE_SIZE
from tests.browser.conftest import open_map, sign_in

KLUUVI = (24.9450, 60.1710)  # lon, lat: Aleksanterinkatu, Kluuvi
HEADER_PAGES = [
    "/fi/",
    "/fi/list/",
    "/fi/list/?collection=facilities",
    "/fi/search/?q=kallio",
    "/fi/areas/district/101/",
    "/fi/budgeting/",
    "/fi/forums/",
    "/fi/accounts/login/",
]


@pytest.mark.parametrize("path", HEADER_PAGES)
def test_every_page_has_the_header_and_the_language_switch(page, path):
    page.goto(path)
    nav = page.locator("header nav.site-nav")
    assert nav.get_by_role("link").all_inner_texts() == [
        "Kartta",
        "Luettelot",
        "Osallistuva budjetointi",
        "Foorumit ja kokoukset",
        "Palaute",
        "Aloitteet",
        "Osallistuminen",
    ]
    assert page.locator("header .account").get_by_role("link").inner_text() == (
        "Kirjaudu sisään"
    )
    page.locator("header nav.languages").get_by_role("link", name="Svenska").click()
    page.wait_for_url("**/sv/**")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("header nav.site-nav").get_by_role(
        "link"
    ).first.inner_text() == ("Karta")


def test_a_rounds_page_has_the_header_and_a_signed_in_user_sees_theirs(
    page, budgeting_rounds, staff_user
):
    page.goto("/fi/budgeting/")
    page.get_by_role("link", name=budgeting_rounds[0].name).first.click()
    page.wait_for_url(f"**/fi/budgeting/rounds/{budgeting_rounds[0].number}/")
    nav = page.locator("header nav.site-nav")
    expect(nav.get_by_role("link", name="Osallistuva budjetointi")).to_have_attribute(
        "aria-current", "page"
    )
    sign_in(page, staff_user)
    account = page.locator("header .account")
    assert "browser-admin" in account.inner_text()
    account.get_by_role("link", name="Koordinaattorin sivut").click()
    page.wait_for_url("**/fi/coordinator/")
    page.locator("header .account").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("header .account").get_by_role("link").inner_text() == (
        "Kirjaudu sisään"
    )


def test_old_page_addresses_lead_to_the_language_prefixed_ones(page):
    page.goto("/budgeting/rounds/1/")
    assert page.url.endswith("/fi/budgeting/rounds/1/")
    page.goto("/accounts/login/")
    assert page.url.endswith("/fi/accounts/login/")


def click_at(page, lon, lat):
    point = page.evaluate(
        "([lat, lon]) => piiri.map.latLngToContainerPoint([lat, lon])", [lat, lon]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_a_click_in_kluuvi_names_every_level_with_links(page):
    open_map(page, "/fi/")
    click_at(page, *KLUUVI)
    chain = page.locator(".leaflet-popup .where-chain a")
    expect(chain).to_have_count(3)
    assert chain.all_inner_texts() == ["Kluuvi", "Vironniemi", "Eteläinen"]
    assert page.locator(".leaflet-popup .where-chain").inner_text() == (
        "Kluuvi · Vironniemi · Eteläinen"
    )
    chain.nth(1).click()
    page.wait_for_url("**/fi/areas/district/101/")
    assert page.locator("h1").inner_text().startswith("Vironniemi")


def test_esc_closes_a_popup_and_leaflet_speaks_the_language(page):
    open_map(page, "/fi/")
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Lähennä"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == (
        "Loitonna"
    )
    click_at(page, *KLUUVI)
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    close = page.locator(".leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == "Sulje"
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)


def test_searching_without_diacritics_finds_itakeskus(page):
    open_map(page, "/fi/")
    page.fill("#place-search", "itakeskus")
    page.press("#place-search", "Enter")
    results = page.locator("#search-results button")
    expect(results.first).to_have_text("Itäkeskus (osa-alue)")
    page.goto("/fi/search/?q=ITAKESKUS")
    assert "Itäkeskus" in page.locator("main ul").first.all_inner_texts()[0]


def test_search_finds_facilities_by_name(page):
    facility = Facility.objects.exclude(location=None).order_by("id").first()
    page.goto(f"/fi/search/?q={facility.name_fi.lower()}")
    links = page.locator("main ul a")
    assert facility.name_fi in links.all_inner_texts()


def test_use_my_location_opens_the_sub_district(page, context):
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": KLUUVI[0], "latitude": KLUUVI[1]})
    try:
        open_map(page, "/fi/")
        page.get_by_role("button", name="Käytä sijaintiani").click()
        page.wait_for_url("**/fi/areas/sub_district/020/")
        assert page.locator("h1").inner_text().startswith("Kluuvi")
    finally:
        context.clear_permissions()


def test_deep_links_open_any_level(page):
    open_map(page, "/fi/#sub_district:020")
    popup = page.locator(".leaflet-popup")
    expect(popup.locator("h2")).to_have_text("Kluuvi")
    assert popup.get_by_role("link").get_attribute("href") == (
        "/fi/areas/sub_district/020/"
    )


def test_zooming_in_adds_district_outlines_and_names(page):
    open_map(page, "/fi/")
    page.evaluate("piiri.map.setView([60.171, 24.945], 12, {animate: false})")
    labels = page.locator("#map .area-label-district")
    expect(labels.first).to_be_visible()
    assert "Vironniemi" in labels.all_inner_texts()


def test_the_list_view_lists_items_filters_and_pages(page):
    total = Facility.objects.count()
    playgrounds = Facility.objects.filter(kind=Facility.Kind.PLAYGROUND).count()
    assert total > PAGE_SIZE
    page.goto("/fi/list/?collection=facilities")
    heading = page.locator("#items-title .level")
    assert heading.get_attribute("data-count") == str(total)
    assert page.locator("ol.items li").count() == PAGE_SIZE
    page.get_by_role("link", name="Seuraava sivu").click()
    assert page.locator("ol.items li").count() == min(PAGE_SIZE, total - PAGE_SIZE)
    assert page.locator("ol.items").get_attribute("start") == str(PAGE_SIZE + 1)
    page.select_option("#list-kind", Facility.Kind.PLAYGROUND)
    page.get_by_role("button", name="Näytä").click()
    assert "kind=playground" in page.url and "page=" not in page.url
    assert heading.get_attribute("data-count") == str(playgrounds)
    name = Facility.objects.filter(kind=Facility.Kind.PLAYGROUND).first().name_fi
    page.fill("#list-q", name)
    page.get_by_role("button", name="Näytä").click()
    assert name in page.locator("ol.items").inner_text()


def test_an_area_pages_all_link_leads_to_the_whole_list(page):
    area = District.objects.get(level="major_district", code="1")
    count = Facility.objects.in_area(area.pk).count()
    page.goto("/fi/areas/major_district/1/")
    page.locator("#facilities-title").scroll_into_view_if_needed()
    link = page.locator("#facilities-title ~ .all-link a")
    assert link.inner_text().startswith(f"Kaikki {count}")
    link.click()
    page.wait_for_url("**/fi/list/?collection=facilities&area=major_district%3A1")
    assert page.locator("#items-title .level").get_attribute("data-count") == (
        str(count)
    )
    assert page.locator("#list-area").input_value() == "major_district:1"


def test_area_page_map_is_visible_and_draws_the_area(page):
    page.goto("/fi/areas/district/101/")
    page.wait_for_selector("#area-map[data-ready=true]")
    box = page.locator("#area-map").bounding_box()
    assert box["height"] >= 200 and box["width"] >= 200
    assert page.locator("#area-map .leaflet-overlay-pane path").count() >= 1


def test_staff_hiring_is_left_out_of_an_areas_default_list(page):
    hiring = (
        Case.objects.filter(
            status=Case.Status.PENDING, classification__startswith="01 01 01 01 "
        )
        .exclude(location=None)
        .order_by("id")
        .first()
    )
    area = hiring.areas.get(level="sub_district")
    residents = (
        Case.objects.in_area(area.pk).filter(status="pending").for_residents().count()
    )
    page.goto(f"/fi/areas/sub_district/{area.code}/")
    cases = page.locator("#cases-title + ul a")
    assert hiring.title_fi not in cases.all_inner_texts()
    assert page.locator("#cases-title .level").inner_text() == f"({residents})"
    page.goto(
        f"/fi/list/?collection=cases&area=sub_district:{area.code}&status=pending"
    )
    assert hiring.title_fi not in page.locator("main").inner_text()
    page.select_option("#list-topic", "internal")
    page.get_by_role("button", name="Näytä").click()
    assert hiring.title_fi in page.locator("ol.items").inner_text()


@pytest.mark.parametrize("code", ["020", "040"])  # Kluuvi, Kamppi
def test_placeholder_proposals_are_not_counted_in_kluuvi_or_kamppi(page, code):
    area = District.objects.get(level="sub_district", code=code)
    for lon, lat in PLACEHOLDER_POINTS:
        spot = Point(lon, lat, srid=srid.GEOJSON)
        assert not BudgetProposal.objects.filter(location__dwithin=(spot, 1)).exists()
    linked = BudgetProposal.objects.in_area(area.pk).count()
    page.goto(f"/fi/areas/sub_district/{code}/")
    assert page.locator("#proposals-title .level").inner_text() == f"({linked})"
