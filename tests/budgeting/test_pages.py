"""The residents' budgeting pages: propose (only in the proposal phase, the
pool taken from the point), "my proposals", browsing a round and its
results, in the page's language."""

import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from budgeting import services
from budgeting.importers import import_omastadi_plans
from budgeting.models import AreaBudget, Phase
from cases.models import BudgetProposal
from districts.models import District
from tests import places
from tests.budgeting.conftest import TODAY, major, move_to_results
from tests.budgeting.test_apis import cast, hetu
from tests.factories import UserFactory
from tests.fixtures_data import FIXTURES

pytestmark = pytest.mark.django_db

# Kallio's library (Keskinen, major district 3), a real address.
KALLIO_LIBRARY = {"lon": "24.9495", "lat": "60.1840"}
FORM = {
    "title": "Penkkejä puistoon",
    "description": "Lisää penkkejä, jotta iäkkäät voivat levätä.",
    "estimated_cost": "12000",
}


def propose_url(round_number, lang="en"):
    return f"/{lang}/budgeting/rounds/{round_number}/propose/"


def text_of(response):
    # Not \s: that would fold the no-break spaces that group digits.
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def test_the_propose_page_shows_the_rules_and_the_form_in_the_proposal_phase(
    client, resident, taking_proposals
):
    client.force_login(resident)
    response = client.get(propose_url(taking_proposals.number))
    assert response.status_code == 200
    html = text_of(response)
    assert "How proposing works" in html
    assert "The major district the place is in decides" in html
    assert 'name="title"' in html and 'name="lat"' in html
    assert "does not take proposals now" not in html
    assert response.context["config"]["search"] == "/en/search/"


def test_a_proposal_gets_the_major_district_its_point_lies_in(
    client, resident, taking_proposals
):
    client.force_login(resident)
    response = client.post(
        propose_url(taking_proposals.number), {**FORM, **KALLIO_LIBRARY}
    )
    assert response.status_code == 302, text_of(response)
    assert response["Location"] == "/en/budgeting/my-proposals/"
    proposal = BudgetProposal.objects.get(round=taking_proposals)
    assert proposal.district.code == "3"
    assert proposal.district.name_fi == "Keskinen"
    assert proposal.submitted_by == resident
    assert proposal.location.transform(4326, clone=True).coords == pytest.approx(
        (24.9495, 60.1840)
    )
    assert proposal.estimated_cost == 12000

    client.post(
        propose_url(taking_proposals.number),
        {
            **FORM,
            "title": "Valoja asemalle",
            "lon": places.RAILWAY_STATION.x,
            "lat": places.RAILWAY_STATION.y,
        },
    )
    at_station = BudgetProposal.objects.get(title="Valoja asemalle")
    assert at_station.district.name_fi == "Eteläinen"


def test_a_city_wide_proposal_needs_no_point_and_has_no_district(
    client, resident, taking_proposals
):
    client.force_login(resident)
    response = client.post(
        propose_url(taking_proposals.number), {**FORM, "city_wide": "on"}
    )
    assert response.status_code == 302
    proposal = BudgetProposal.objects.get(round=taking_proposals)
    assert proposal.district is None
    assert proposal.scope == BudgetProposal.Scope.CITYWIDE


@pytest.mark.parametrize(
    "point, message",
    [
        ({}, "Pick the place on the map"),
        (
            {"lon": places.TAPIOLA_ESPOO.x, "lat": places.TAPIOLA_ESPOO.y},
            "not on land in Helsinki",
        ),
    ],
)
def test_a_proposal_without_a_place_in_helsinki_is_refused_and_not_stored(
    client, resident, taking_proposals, point, message
):
    client.force_login(resident)
    response = client.post(propose_url(taking_proposals.number), {**FORM, **point})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not BudgetProposal.objects.filter(round=taking_proposals).exists()


def test_outside_the_proposal_phase_the_page_says_so_and_refuses_a_post(
    client, resident, taking_proposals
):
    taking_proposals.phases.filter(kind=Phase.Kind.PROPOSALS).update(
        starts_on=TODAY - dt.timedelta(days=10), ends_on=TODAY - dt.timedelta(days=1)
    )
    client.force_login(resident)
    page = text_of(client.get(propose_url(taking_proposals.number)))
    assert "This round does not take proposals now." in page
    with translation.override("en"):
        ended = date_format(TODAY - dt.timedelta(days=1), "DATE_FORMAT")
    assert f"to {ended}." in page
    assert 'name="title"' not in page

    before = BudgetProposal.objects.count()
    response = client.post(
        propose_url(taking_proposals.number, lang="fi"), {**FORM, **KALLIO_LIBRARY}
    )
    assert response.status_code == 400
    assert "Tämä kierros ei ota nyt vastaan ehdotuksia." in text_of(response)
    assert BudgetProposal.objects.count() == before


def test_a_real_round_without_a_proposal_phase_refuses_proposals(client, resident):
    # OmaStadi round 1 (fixtures/budgeting): no proposal phase recorded here.
    client.force_login(resident)
    before = BudgetProposal.objects.count()
    response = client.post(propose_url(1), {**FORM, **KALLIO_LIBRARY})
    assert response.status_code == 400
    assert "This round has no time for proposals." in text_of(response)
    assert BudgetProposal.objects.count() == before


def test_signed_out_the_page_offers_sign_in_and_a_post_is_forbidden(
    client, taking_proposals
):
    page = text_of(client.get(propose_url(taking_proposals.number)))
    assert "Sign in to make a proposal" in page
    assert 'name="title"' not in page
    response = client.post(
        propose_url(taking_proposals.number), {**FORM, **KALLIO_LIBRARY}
    )
    assert response.status_code == 403
    assert not BudgetProposal.objects.filter(round=taking_proposals).exists()


def test_my_proposals_lists_only_the_residents_own(client, resident, taking_proposals):
    neighbour = UserFactory(username="neighbour")
    for user, title in ((resident, "Minun ehdotukseni"), (neighbour, "Naapurin")):
        services.proposal_submit(
            actor=user,
            round=taking_proposals.number,
            title=title,
            district="3",
            estimated_cost=1_250_000,
        )
    assert client.get("/en/budgeting/my-proposals/").status_code == 302
    client.force_login(resident)
    response = client.get("/fi/budgeting/my-proposals/")
    html = text_of(response)
    assert [p.title for p in response.context["page"]] == ["Minun ehdotukseni"]
    assert "Naapurin" not in html
    assert "1\xa0250\xa0000" in html
    # The real OmaStadi proposals have no one who submitted them here.
    assert BudgetProposal.objects.filter(submitted_by__isnull=True).count() > 4000


def test_browsing_a_round_by_district_lists_and_maps_the_same_page(client):
    # Real OmaStadi round 1 proposals (fixtures/cases).
    response = client.get("/en/budgeting/rounds/1/proposals/", {"area": "3"})
    assert response.status_code == 200
    page = response.context["page"]
    in_keskinen = BudgetProposal.objects.filter(round=1, district__code="3")
    assert page.paginator.count == in_keskinen.count() > 25
    assert len(page.object_list) == 25
    assert {p.district.code for p in page} == {"3"}
    features = response.context["config"]["features"]
    located = {p.pk for p in page if p.location is not None}
    assert {f["id"] for f in features} == located
    assert all(f["properties"]["url"].startswith("/en/items/") for f in features)
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert 24.8 < lon < 25.3 and 60.1 < lat < 60.3

    second = client.get(
        "/en/budgeting/rounds/1/proposals/", {"area": "3", "page": "2"}
    ).context["page"]
    assert not {p.pk for p in second} & {p.pk for p in page}

    city_wide = client.get(
        "/en/budgeting/rounds/1/proposals/", {"area": "city-wide"}
    ).context["page"]
    assert city_wide.paginator.count == (
        BudgetProposal.objects.filter(round=1, district=None).count()
    )


def test_browsing_an_unknown_district_is_a_400_with_a_message(client):
    response = client.get("/en/budgeting/rounds/1/proposals/", {"area": "99"})
    assert response.status_code == 400
    assert "There is no such major district" in text_of(response)


def test_browsing_plans_shows_their_costs_with_thousands_separators(client):
    import_omastadi_plans(
        FIXTURES / "budgeting" / "helsinki_omastadi_plans_rounds1-3.csv",
        progress=False,
    )
    response = client.get("/en/budgeting/rounds/1/proposals/", {"show": "plans"})
    first = response.context["page"][0]
    assert first.round.number == 1
    assert f"{first.cost:,} EUR" in text_of(response)


def test_results_of_a_real_round_say_the_amounts_were_not_published(client):
    import_omastadi_plans(
        FIXTURES / "budgeting" / "helsinki_omastadi_plans_rounds1-3.csv",
        progress=False,
    )
    for lang, wording in (
        ("en", "The round's total amount was not published."),
        ("fi", "Kierroksen kokonaissummaa ei julkaistu."),
        ("sv", "Omgångens totala belopp publicerades inte."),
    ):
        response = client.get(f"/{lang}/budgeting/rounds/1/results/")
        assert response.status_code == 200
        html = text_of(response)
        assert wording in html
        assert "None" not in html
    round_page = text_of(client.get("/en/budgeting/rounds/1/"))
    assert "Total None" not in round_page and "None EUR" not in round_page
    assert "was not published" in round_page


def test_results_show_both_counts_with_thousands_separators(client, round_, plans):
    assert cast(client, round_, [plans["park"].pk]).status_code == 201
    assert cast(
        client, round_, [plans["benches"].pk], identifier=hetu(112)
    ).status_code == (201)
    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    budget = AreaBudget.objects.get(round=round_, district=major("3")).amount
    assert budget > 1000

    english = text_of(client.get(f"/en/budgeting/rounds/{round_.number}/results/"))
    assert "Method of Equal Shares" in english
    assert "Helsinki's rule (greedy)" in english
    assert f"of the pool's {budget:,} EUR" in english
    assert "900,000" in english  # the park's cost

    finnish = text_of(client.get(f"/fi/budgeting/rounds/{round_.number}/results/"))
    assert f"{budget:,}".replace(",", "\xa0") in finnish
    assert "900\xa0000" in finnish
    assert "Tasaosuusmenetelmä" in finnish
    swedish = text_of(client.get(f"/sv/budgeting/rounds/{round_.number}/results/"))
    assert "900\xa0000" in swedish


def test_the_round_page_links_to_its_pages(client, round_):
    html = text_of(client.get(f"/en/budgeting/rounds/{round_.number}/"))
    for page in ("propose", "proposals", "results"):
        assert f"/en/budgeting/rounds/{round_.number}/{page}/" in html
    assert District.objects.filter(level="major_district").count() == 8


@pytest.mark.parametrize(
    "path",
    [
        "/en/budgeting/rounds/1/proposals/",
        "/en/budgeting/rounds/1/results/",
    ],
)
def test_budgeting_maps_draw_the_sites_basemap(client, settings, path):
    settings.BASEMAP_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.BASEMAP_ATTRIBUTION = "Example basemap"
    config = client.get(path).context["config"]
    assert config["basemap"] == {
        "url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "Example basemap",
    }
