import pytest

from cases.models import Case, Facility
from tests.browser.conftest import serious_violations, sign_in

PAGES = {
    "map": "/{lang}/",
    "area": "/{lang}/areas/district/301/",
    "list": "/{lang}/list/",
    "feedback list": "/{lang}/feedback/",
    "feedback": "/{lang}/feedback/1ar09ts10t4qdko74nmj/",
    "participation-report": "/{lang}/participation/report/2021/",
    "list-filtered": "/{lang}/list/?collection=facilities&area=district:301&page=1",
    "search": "/{lang}/search/?q=kallio",
    "facility": "/{lang}/items/facilities/{facility}/",
    "case": "/{lang}/items/cases/{case}/",
    "report": "/{lang}/areas/district/301/report/",
    "budgeting": "/{lang}/budgeting/",
    "round": "/{lang}/budgeting/rounds/1/",
    "forums": "/{lang}/forums/",
    "login": "/{lang}/accounts/login/",
    "initiatives": "/{lang}/initiatives/",
    "initiative-report": "/{lang}/initiatives/report/",
}
# Pages behind a sign-in, checked signed in as staff.
SIGNED_IN_PAGES = {
    "coordinator": "/{lang}/coordinator/",
    "forum-new": "/{lang}/coordinator/forums/new",
}


def check(page, axe, path, lang):
    facility = Facility.objects.exclude(location=None).order_by("id").first()
    case = Case.objects.exclude(links=[]).exclude(location=None).order_by("id").first()
    page.goto(path.format(lang=lang, facility=facility.pk, case=case.pk))
    if page.locator("[data-piiri-map]").count():
        page.wait_for_selector("[data-piiri-map][data-ready=true]")
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(axe, page) == []


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(page, axe, budgeting_rounds, name, lang):
    check(page, axe, PAGES[name], lang)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_axe_finds_no_serious_violation_signed_in(page, axe, staff_user, name, lang):
    sign_in(page, staff_user, lang=lang)
    check(page, axe, SIGNED_IN_PAGES[name], lang)
