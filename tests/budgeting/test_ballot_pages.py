"""The vote pages: a resident signed in through the local OpenID Connect
provider votes as the identity proven at sign-in, within the ballot rules,
once; anyone checks a receipt code."""

import datetime as dt

import pytest
from django.test import Client

from budgeting.models import Ballot, Phase
from tests.budgeting.conftest import TODAY
from tests.oidc import DEMO_RESIDENT, ESPOO_RESIDENT, oidc, oidc_provider, sign_in

__all__ = ["oidc", "oidc_provider"]

pytestmark = pytest.mark.django_db

KESKINEN_BUDGET = 1_257_927  # major district 3's share of open_round


def vote_url(round_, lang="en"):
    return f"/{lang}/budgeting/rounds/{round_.number}/vote/"


def vote(client, round_, *plans):
    return client.post(vote_url(round_), {"plan": [plan.pk for plan in plans]})


@pytest.fixture
def kallio(client, oidc):
    """A client signed in as the demonstration resident of Kallio (major
    district 3, born 1990, Helsinki)."""
    sign_in(client, DEMO_RESIDENT)
    return client


def test_a_signed_out_visitor_is_asked_to_sign_in(client, round_, plans):
    page = client.get(vote_url(round_)).content.decode()
    assert "Sign in to vote" in page
    assert "/en/accounts/login/?next=" in page
    assert 'name="plan"' not in page


def test_the_voter_sees_their_district_and_city_wide_plans_with_the_rules(
    kallio, round_, plans
):
    response = kallio.get(vote_url(round_))
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Park", "Library", "Benches", "Festival"):
        assert f'<span class="plan-title">{title}</span>' in page
    # Eteläinen's plan is not on a Keskinen voter's ballot.
    assert "Pier" not in page
    assert f'data-budget="{KESKINEN_BUDGET}"' in page
    assert 'data-budget="800000"' in page
    assert "Budget 1,257,927 €." in page
    assert "must fit within the budget" in page
    assert "municipality" not in page.lower()


def test_a_ballot_within_the_budget_is_stored_and_shows_its_receipt(
    kallio, round_, plans
):
    response = vote(kallio, round_, plans["park"], plans["festival"])
    assert response.status_code == 302
    assert response["Location"] == f"/en/budgeting/rounds/{round_.number}/my-ballot/"
    ballot = Ballot.objects.get(round=round_)
    assert sorted(c.plan_id for c in ballot.choices.all()) == sorted(
        [plans["park"].pk, plans["festival"].pk]
    )
    page = kallio.get(response["Location"]).content.decode()
    assert f'id="receipt-code">{ballot.receipt_code}<' in page
    assert "Park" in page and "Festival" in page
    assert "1,200,000" in page


def test_an_over_budget_ballot_is_refused_and_nothing_is_stored(kallio, round_, plans):
    response = vote(kallio, round_, plans["park"], plans["library"])
    assert response.status_code == 400
    page = response.content.decode()
    assert "cost more than the budget" in page
    assert "Nothing was saved." in page
    assert not Ballot.objects.filter(round=round_).exists()
    # The refused choice is shown again, for the voter to change.
    assert f'value="{plans["park"].pk}" id="plan-{plans["park"].pk}"' in page


def test_a_plan_of_another_district_is_refused(kallio, round_, plans):
    response = vote(kallio, round_, plans["pier"])
    assert response.status_code == 400
    assert "own major district" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_plan_id_that_is_not_a_number_is_refused(kallio, round_, plans):
    response = kallio.post(vote_url(round_), {"plan": ["1; DROP TABLE"]})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_the_same_person_cannot_vote_twice_even_after_signing_in_again(
    kallio, round_, plans, oidc
):
    assert vote(kallio, round_, plans["benches"]).status_code == 302
    again = Client()
    sign_in(again, DEMO_RESIDENT)
    page = again.get(vote_url(round_)).content.decode()
    assert "You have already voted in this round" in page
    assert 'name="plan"' not in page
    response = vote(again, round_, plans["festival"])
    assert response.status_code == 400
    assert "already voted" in response.content.decode()
    ballot = Ballot.objects.get(round=round_)
    assert [c.plan_id for c in ballot.choices.all()] == [plans["benches"].pk]


def test_voting_is_refused_outside_the_voting_phase(kallio, round_, plans):
    Phase.objects.filter(round=round_, kind=Phase.Kind.VOTING).update(
        starts_on=TODAY + dt.timedelta(days=1)
    )
    page = kallio.get(vote_url(round_)).content.decode()
    assert "It is not open today" in page
    assert 'name="plan"' not in page
    response = vote(kallio, round_, plans["benches"])
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_a_resident_of_espoo_cannot_vote(client, oidc, round_, plans):
    sign_in(client, ESPOO_RESIDENT)
    page = client.get(vote_url(round_)).content.decode()
    assert "only people who live in Helsinki may vote" in page
    assert vote(client, round_, plans["festival"]).status_code == 403
    assert not Ballot.objects.exists()


def test_a_staff_password_sign_in_cannot_vote(client, city_admin, round_, plans):
    client.force_login(city_admin)
    page = client.get(vote_url(round_)).content.decode()
    assert "staff account" in page
    assert vote(client, round_, plans["festival"]).status_code == 403
    assert not Ballot.objects.exists()


def test_the_api_votes_as_the_signed_in_identity_not_the_claims_sent(
    kallio, round_, plans
):
    made_up = {
        "identifier": "010190-123M",
        "birth_date": "1990-01-01",
        "municipality": "091",
        "home_major_district": "1",
    }
    response = kallio.post(
        f"/api/v1/budgeting/rounds/{round_.number}/ballots",
        {"plans": [plans["pier"].pk], "voter": made_up},
        content_type="application/json",
    )
    # Signed in as a Keskinen resident: Eteläinen's plan is not theirs.
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_area"
    response = kallio.post(
        f"/api/v1/budgeting/rounds/{round_.number}/ballots",
        {"plans": [plans["benches"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert vote(kallio, round_, plans["festival"]).status_code == 400


def test_a_receipt_code_is_checked_without_revealing_the_choice(
    kallio, client, round_, plans
):
    vote(kallio, round_, plans["park"])
    code = Ballot.objects.get(round=round_).receipt_code
    response = client.get("/fi/budgeting/receipts/", {"code": code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert code in page and round_.name in page
    assert "Park" not in page
    # Spaces and dashes are what people add when they copy a code.
    spaced = f"{code[:4]} {code[4:8]}-{code[8:]}"
    assert client.get("/en/budgeting/receipts/", {"code": spaced}).status_code == 200


def test_an_unknown_receipt_code_is_not_found(client, db):
    response = client.get("/en/budgeting/receipts/", {"code": "ABCDEFGHJKMN"})
    assert response.status_code == 200
    assert "No ballot has the receipt code ABCDEFGHJKMN" in response.content.decode()
    too_long = client.get("/en/budgeting/receipts/", {"code": "A" * 200})
    assert too_long.status_code == 400
    assert client.get("/en/budgeting/receipts/").status_code == 200
