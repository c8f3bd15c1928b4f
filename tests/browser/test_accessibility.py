import datetime as dt

import pytest

from budgeting import services
from budgeting.models import Round
from cases.models import BudgetProposal, Case, Facility
from tests.browser.conftest import OUTPUT, serious_violations, sign_in
from tests.browser.provider import ProviderGuard, sign_in_through_provider
from tests.browser.voting import create_voting_round, delete_round
from tests.budgeting.conftest import proposal_round
from tests.committed import committed
from tests.oidc import YOUNG_RESIDENT, oidc, oidc_provider

__all__ = ["oidc", "oidc_provider"]

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
    "propose-closed": "/{lang}/budgeting/rounds/1/propose/",
    "proposals": "/{lang}/budgeting/rounds/1/proposals/?area=3",
    "plans": "/{lang}/budgeting/rounds/1/proposals/?show=plans&page=2",
    "results": "/{lang}/budgeting/rounds/1/results/",
    "vote-closed": "/{lang}/budgeting/rounds/1/vote/",
    "receipt-check": "/{lang}/budgeting/receipts/",
    "receipt-unknown": "/{lang}/budgeting/receipts/?code=ABCDEFGHJKMN",
    "forums": "/{lang}/forums/",
    "login": "/{lang}/accounts/login/",
    "initiatives": "/{lang}/initiatives/",
    "initiative-report": "/{lang}/initiatives/report/",
    "custom-area": "/{lang}/custom-areas/{custom_area}/",
    "unsubscribe": "/{lang}/digests/unsubscribe/{token}/",
}
# Pages behind a sign-in, checked signed in as staff.
SIGNED_IN_PAGES = {
    "coordinator": "/{lang}/coordinator/",
    "forum-new": "/{lang}/coordinator/forums/new",
    "custom-area-new": "/{lang}/coordinator/areas/new",
    "since-last-visit": "/{lang}/news/",
    "propose": "/{lang}/budgeting/rounds/{open_round}/propose/",
    "my-proposals": "/{lang}/budgeting/my-proposals/",
}
OPEN_ROUND = 942


@pytest.fixture(scope="module")
def round_with_my_proposal(site, staff_user, django_db_blocker):
    """A synthetic round (not OmaStadi data) taking proposals today, with
    one proposal by the signed-in user, for the module."""
    with committed(django_db_blocker):
        round_ = proposal_round(OPEN_ROUND)
        services.proposal_submit(
            actor=staff_user,
            round=OPEN_ROUND,
            title="Lisää roska-astioita rannalle",
            district="1",
            estimated_cost=2_400,
        )
        yield round_
        BudgetProposal.objects.filter(round=round_).delete()
        Round.objects.filter(pk=round_.pk).delete()


@pytest.fixture(scope="module")
def followed(staff_user, django_db_blocker):
    """A public custom area at the railway station, followed with Kallio by the
    staff user since before the session's data was loaded, so "since your
    last visit" lists it; removed after the module."""
    from districts.models import District
    from districts.services import custom_area_create
    from forums.digests import unsubscribe_token
    from forums.models import Follow
    from forums.services import follow_create
    from geo.params import parse_polygon
    from tests import places

    with committed(django_db_blocker):
        area = custom_area_create(
            actor=staff_user,
            name_fi="TESTI: Aseman ympäristö",
            boundary=parse_polygon(places.square(places.RAILWAY_STATION, 0.004)),
            is_public=True,
        )
        follow_create(
            user=staff_user, district=District.objects.get(level="district", code="301")
        )
        follow_create(user=staff_user, custom_area=area)
        Follow.objects.filter(user=staff_user).update(
            created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        yield {"custom_area": area.pk, "token": unsubscribe_token(staff_user)}
        Follow.objects.filter(user=staff_user).delete()
        area.delete()


def check(page, axe, path, lang, **more):
    facility = Facility.objects.exclude(location=None).order_by("id").first()
    case = Case.objects.exclude(links=[]).exclude(location=None).order_by("id").first()
    page.goto(
        path.format(
            lang=lang,
            facility=facility.pk,
            case=case.pk,
            open_round=OPEN_ROUND,
            **more,
        )
    )
    if page.locator("[data-piiri-map]").count():
        page.wait_for_selector("[data-piiri-map][data-ready=true]")
    if page.locator("[data-piiri-area-map]").count():
        page.wait_for_selector("[data-piiri-area-map][data-ready=true]")
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(axe, page) == []


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(
    page, axe, budgeting_rounds, followed, name, lang
):
    check(page, axe, PAGES[name], lang, **followed)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_axe_finds_no_serious_violation_signed_in(
    page,
    axe,
    staff_user,
    followed,
    round_with_my_proposal,
    budgeting_rounds,
    name,
    lang,
):
    # The module's context keeps the session: signing in once keeps the
    # sign-ins under the login rate limit (RATE_LOGIN) however many pages.
    if not any(c["name"] == "sessionid" for c in page.context.cookies()):
        sign_in(page, staff_user, lang=lang)
    check(page, axe, SIGNED_IN_PAGES[name], lang, **followed)


@pytest.fixture(scope="module")
def voting_round(site, budgeting_rounds, django_db_blocker):
    # After budgeting_rounds, so removed before it removes every plan (its
    # ballots protect this round's plans).
    with committed(django_db_blocker):
        round_ = create_voting_round(9602)
        yield round_
        delete_round(round_)


LANGUAGES = ("fi", "sv", "en")


def test_axe_finds_no_serious_violation_on_the_ballot_pages(
    browser, site, oidc, voting_round, axe
):
    """Signed in as a resident (Vuosaari, major district 5) through the
    local provider: the vote page with its budget bars, then, after voting,
    the voter's ballot with its receipt and the vote page that refuses a
    second ballot, in each language."""
    guard = ProviderGuard(site, oidc["OIDC_OP_ISSUER"])
    context = browser.new_context(base_url=site, locale="fi-FI")
    context.set_default_timeout(30_000)
    context.route("**/*", guard.route)
    page = context.new_page()
    guard.watch(page)
    vote = f"/{{lang}}/budgeting/rounds/{voting_round.number}/vote/"
    page.goto(f"/fi/accounts/login/?next={vote.format(lang='fi')}")
    sign_in_through_provider(page, site, oidc["OIDC_OP_ISSUER"], YOUNG_RESIDENT)
    for lang in LANGUAGES:
        page.goto(vote.format(lang=lang))
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("input[name=plan]").count() == 2
        assert serious_violations(axe, page) == [], lang
        page.screenshot(path=OUTPUT / f"axe-vote-{lang}.png", full_page=True)
    page.locator("input[name=plan]").first.check()
    page.locator("#ballot-form button[type=submit]").click()
    page.wait_for_url(f"**/budgeting/rounds/{voting_round.number}/my-ballot/")
    for lang in LANGUAGES:
        for path in (
            f"/{lang}/budgeting/rounds/{voting_round.number}/my-ballot/",
            vote.format(lang=lang),
        ):
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == lang
            assert serious_violations(axe, page) == [], path
        page.goto(f"/{lang}/budgeting/rounds/{voting_round.number}/my-ballot/")
        page.screenshot(path=OUTPUT / f"axe-ballot-{lang}.png", full_page=True)
    context.close()
    assert guard.foreign == [], f"requests left the test hosts: {guard.foreign}"
    assert guard.errors == [], f"JavaScript errors: {guard.errors}"
