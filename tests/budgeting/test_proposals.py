"""A proposal belongs to a real round and is taken only in its proposal
phase; anything else is a 400 on ``round`` and nothing is stored."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from budgeting import services
from budgeting.models import Phase
from cases.models import BudgetProposal
from tests.budgeting.conftest import TODAY

pytestmark = pytest.mark.django_db

PROPOSALS = "/api/v1/proposals/"
BODY = {"title": "Lisää penkkejä", "district": "7"}


def post(client, round_number):
    return client.post(PROPOSALS, {**BODY, "round": round_number}, "application/json")


def test_a_proposal_in_the_proposal_phase_is_stored_in_its_round(
    client, resident, taking_proposals
):
    client.force_login(resident)
    response = post(client, taking_proposals.number)
    assert response.status_code == 201, response.content
    assert response.json()["round"] == taking_proposals.number
    proposal = BudgetProposal.objects.get(pk=response.json()["id"])
    assert proposal.round == taking_proposals
    listed = client.get(PROPOSALS, {"round": str(taking_proposals.number)}).json()
    assert [p["id"] for p in listed["results"]] == [proposal.pk]


def test_a_proposal_outside_the_proposal_phase_is_refused(
    client, resident, taking_proposals
):
    before = BudgetProposal.objects.count()
    tomorrow = dt.datetime.combine(
        TODAY + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(
            actor=resident, round=taking_proposals.number, now=tomorrow, **BODY
        )
    assert refused.value.error_dict["round"][0].code == "proposals_closed"

    # The real OmaStadi round 1 has no proposal phase recorded here.
    client.force_login(resident)
    response = post(client, 1)
    assert response.status_code == 400
    assert "takes no proposals" in response.json()["round"][0]
    taking_proposals.phases.filter(kind=Phase.Kind.PROPOSALS).update(
        starts_on=TODAY - dt.timedelta(days=10), ends_on=TODAY - dt.timedelta(days=1)
    )
    response = post(client, taking_proposals.number)
    assert response.status_code == 400
    assert "takes proposals from" in response.json()["round"][0]
    assert BudgetProposal.objects.count() == before


def test_a_proposal_for_a_round_that_does_not_exist_is_refused(client, resident):
    before = BudgetProposal.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(actor=resident, round=777, **BODY)
    assert refused.value.error_dict["round"][0].code == "unknown_round"

    client.force_login(resident)
    response = post(client, 777)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "No budgeting round 777.",
        "round": ["No budgeting round 777."],
    }
    assert BudgetProposal.objects.count() == before


def test_signing_in_comes_before_the_round(client, taking_proposals):
    assert post(client, 777).status_code in (401, 403)
    assert post(client, taking_proposals.number).status_code in (401, 403)
