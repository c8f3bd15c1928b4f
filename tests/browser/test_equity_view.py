"""The equity view in real Chromium: in fi, sv and en, switched from one
measure to another with the keyboard, with the table equivalent of its
charts, and no serious axe-core violation."""

import pytest

from tests.browser.conftest import serious_violations

HEADINGS = {
    "fi": "Kuka osallistuu ja missä",
    "sv": "Vem deltar, och var",
    "en": "Who takes part, and where",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_equity_view_switches_measure_and_has_a_table_equivalent(page, axe, lang):
    # Charts are drawn on the first view of each measure: allow for that.
    page.set_default_timeout(60_000)
    page.goto(f"/{lang}/participation/?measure=proposals&round=1")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == HEADINGS[lang]
    table = page.locator("#rates-table")
    assert table.locator("tbody tr").count() == 34
    # The rows are sorted by code: Vironniemi (101) comes first.
    first = table.locator("tbody tr").first.locator("a")
    assert first.get_attribute("href") == f"/{lang}/areas/district/101/"
    assert page.locator(".folium-map path.leaflet-interactive").count() == 34
    assert serious_violations(axe, page) == []

    # Switch to major districts by keyboard alone, then submit.
    page.focus("#id_level")
    page.select_option("#id_level", "major_district")
    page.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**level=major_district**")
    assert page.locator("#rates-table tbody tr").count() == 8

    page.select_option("#id_measure", "meetings")
    page.locator("button[type=submit]").press("Enter")
    page.wait_for_url("**measure=meetings**")
    assert page.locator("#id_measure").input_value() == "meetings"
    assert page.locator("#rates-table tbody tr").count() == 8
    assert page.locator("#correlations-table tbody tr").count() == 4
    assert page.locator("img.chart").count() == 2
    assert serious_violations(axe, page) == []
