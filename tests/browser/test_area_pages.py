from districts.models import District, Population


def test_area_page_shows_population_children_and_a_small_map(page):
    area = District.objects.get(level="district", code="301")
    latest = Population.objects.filter(district=area).order_by("-year").first()
    page.goto("/fi/areas/district/301/")
    page.wait_for_selector("#area-map[data-ready=true]")
    assert page.locator("h1").inner_text().startswith("Kallio")
    facts = page.locator(".facts").inner_text()
    assert str(latest.population) in facts.replace("\u00a0", "").replace(" ", "")
    children = sorted(c.name_fi for c in area.children.all())
    assert (
        children
        and sorted(page.locator("#children-title + ul a").all_inner_texts()) == children
    )
    # The area itself plus one outline per child area.
    outlines = page.locator("#area-map .leaflet-overlay-pane path")
    assert outlines.count() == 1 + len(children)
    page.get_by_role("link", name=area.parent.name_fi).first.click()
    page.wait_for_url(f"**/fi/areas/major_district/{area.parent.code}/")


def test_area_page_lists_the_items_in_the_area(page, map_items):
    page.goto("/en/areas/major_district/1/")
    page.wait_for_selector("#area-map[data-ready=true]")
    cases = page.locator("#cases-title + ul a")
    assert cases.all_inner_texts() == ["TESTI: Rautatientorin penkit"]
    proposals = page.locator("#proposals-title + ul a").all_inner_texts()
    assert proposals == ["TEST: Suomenlinna benches"]
    assert page.locator('link[type="application/atom+xml"]').count() == 1


def test_area_report_renders_its_map_from_local_assets_for_print(page, map_items):
    page.goto("/en/areas/major_district/1/report/")
    page.wait_for_selector(".folium-map.leaflet-container")
    # The area, its districts, and one marker per located item.
    children = page.locator(".folium-map path.leaflet-interactive")
    assert children.count() >= 1 + 2
    counts = page.locator("table.counts").inner_text()
    assert "Pending cases\t1" in counts and "Budget proposals\t1" in counts
    page.emulate_media(media="print")
    assert not page.locator(".no-print").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
