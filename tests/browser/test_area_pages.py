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
