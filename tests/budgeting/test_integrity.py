"""One meaning of "voting is over", through the services and over HTTP:
paper entry closes when a count is published, nothing is counted or
exported while either channel is open, exports reveal no submission
order, and an implementation is not done before it started."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pabutools.election.pabulib import parse_pabulib_from_string

from budgeting import services
from budgeting.models import Ballot, Phase, Plan, Tally
from tests.budgeting.conftest import (
    LAST_DAY,
    TODAY,
    move_to_results,
    resident,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/budgeting"
# Online voting is over, paper entry is not: results open a week later.
DAY_AFTER_VOTING = dt.datetime.combine(
    LAST_DAY + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC
)


def claims(identifier):
    return {
        "identifier": identifier,
        "birth_date": "1990-05-18",
        "municipality": "091",
        "home_major_district": "3",
    }


def paper(client, round_, plan_ids, identifier):
    # ``identifier``: a valid personal identity code of someone born on
    # 1990-05-18 (verification checks its format and check character).
    # Test values, no real person's.
    return client.post(
        f"{BASE}/rounds/{round_.number}/paper-ballots",
        {"plans": plan_ids, "voter": claims(identifier)},
        content_type="application/json",
    )


def test_a_paper_ballot_after_publication_is_refused(client, admin_user, round_, plans):
    client.force_login(admin_user)
    assert paper(client, round_, [plans["park"].pk], "180590-1014").status_code == 201
    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    # The results phase is moved on after publication, which would reopen
    # paper entry by the dates alone.
    Phase.objects.filter(round=round_, kind=Phase.Kind.RESULTS).update(
        starts_on=TODAY + dt.timedelta(days=20), ends_on=TODAY + dt.timedelta(days=40)
    )

    response = paper(client, round_, [plans["benches"].pk], "180590-1025")
    assert response.status_code == 400
    assert response.json()["code"] == "voting_closed"
    assert "published" in response.json()["detail"]
    with pytest.raises(ValidationError) as refused:
        services.ballot_submit(
            round_=round_,
            identity=resident("p3"),
            plan_ids=[plans["benches"].pk],
            channel=Ballot.Channel.PAPER,
            entered_by=admin_user,
        )
    assert refused.value.code == "voting_closed"
    assert Ballot.objects.filter(round=round_).count() == 1


def test_nothing_is_counted_or_published_while_paper_entry_is_open(
    client, admin_user, round_, plans
):
    services.ballot_submit(
        round_=round_, identity=resident("v1"), plan_ids=[plans["park"].pk]
    )
    with pytest.raises(ValidationError) as refused:
        services.tally_compute(round_, now=DAY_AFTER_VOTING, publish=True)
    assert refused.value.code == "voting_open"
    assert "paper entry" in refused.value.messages[0]

    # The admin's "count and publish" action, on the day after online voting.
    Phase.objects.filter(round=round_, kind=Phase.Kind.VOTING).update(
        ends_on=TODAY - dt.timedelta(days=1)
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:budgeting_round_changelist"),
        {"action": "count_ballots", "_selected_action": [round_.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "paper entry" in response.content.decode()
    assert not Tally.objects.filter(round=round_).exists()
    assert not Plan.objects.filter(round=round_, selected__isnull=False).exists()
    round_.refresh_from_db()
    assert round_.results_published_at is None

    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    round_.refresh_from_db()
    assert round_.results_published_at is not None
    assert Plan.objects.get(pk=plans["park"].pk).selected is True


def test_pabulib_is_403_until_the_results_phase_and_hides_the_voting_order(
    client, round_, plans
):
    park, library, benches = (plans[n].pk for n in ("park", "library", "benches"))
    # Cast in an order that is not the order of their contents.
    inserted = [[library, benches], [park], [benches], [park, benches]]
    for number, choice in enumerate(inserted):
        services.ballot_submit(
            round_=round_, identity=resident(f"o{number}"), plan_ids=choice
        )
    export = f"{BASE}/rounds/{round_.number}/areas/3/pabulib.pb"
    during_voting = client.get(export)
    assert during_voting.status_code == 403
    assert during_voting.json()["code"] == "voting_open"

    Phase.objects.filter(round=round_, kind=Phase.Kind.VOTING).update(
        ends_on=TODAY - dt.timedelta(days=1)
    )
    paper_entry = client.get(export)
    assert paper_entry.status_code == 403
    assert "results phase" in paper_entry.json()["detail"]

    move_to_results(round_)
    response = client.get(export)
    assert response.status_code == 200
    text = response.content.decode()
    votes = [
        sorted(int(p) for p in line.split(";")[1].split(","))
        for line in text.split("VOTES\nvoter_id;vote\n")[1].splitlines()
    ]
    assert votes == sorted(sorted(choice) for choice in inserted)
    assert votes != [sorted(choice) for choice in inserted]
    _, profile = parse_pabulib_from_string(text)
    assert len(profile) == len(inserted)


def test_an_imported_round_without_voting_exports_its_recorded_result(client, db):
    round_ = services.round_create(
        number=9400,
        name="Test round 9400",
        total_amount=1_000_000,
        phases={},
        allocate_now=False,
    )
    services.plan_create(round_=round_, title="Pier", cost=100_000, area=None)
    response = client.get(f"{BASE}/rounds/{round_.number}/areas/city-wide/pabulib.pb")
    assert response.status_code == 200
    assert "num_votes;0" in response.content.decode()


def test_an_implementation_cannot_be_done_before_it_started(
    client, admin_user, round_, plans
):
    services.ballot_submit(
        round_=round_, identity=resident("i1"), plan_ids=[plans["park"].pk]
    )
    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    url = f"{BASE}/plans/{plans['park'].pk}/implementation"
    client.force_login(admin_user)
    response = client.patch(
        url,
        {"status": "done", "started_on": "2027-06-01", "done_on": "2027-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cannot be done (2027-05-01) before it started (2027-06-01)" in str(
        response.json()
    )
    park = Plan.objects.get(pk=plans["park"].pk)
    assert park.implementation_status == ""
    assert park.implementation_done_on is None

    started = client.patch(
        url,
        {"status": "in_progress", "started_on": "2027-06-01"},
        content_type="application/json",
    )
    assert started.status_code == 200
    park.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.plan_implementation_update(
            park, user=admin_user, status="done", done_on=dt.date(2027, 5, 31)
        )
    assert refused.value.code == "done_before_started"
    park.refresh_from_db()
    assert (park.implementation_status, park.implementation_done_on) == (
        "in_progress",
        None,
    )
