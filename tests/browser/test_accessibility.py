import pytest

from tests.browser.conftest import serious_violations

PAGES = {
    "map": "/{lang}/",
    "area": "/{lang}/areas/district/301/",
    "list": "/{lang}/list/",
    "feedback list": "/{lang}/feedback/",
    "feedback": "/{lang}/feedback/1ar09ts10t4qdko74nmj/",
    "participation-report": "/{lang}/participation/report/2021/",
    "initiatives": "/{lang}/initiatives/",
    "initiative-report": "/{lang}/initiatives/report/",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(page, axe, name, lang):
    # The report draws its charts on its first view.
    page.goto(PAGES[name].format(lang=lang), timeout=60_000)
    if page.locator(".map").count():
        page.wait_for_selector(".map[data-ready=true]")
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(axe, page) == []
