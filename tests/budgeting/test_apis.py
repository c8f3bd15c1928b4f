import datetime as dt

import pytest
from pabutools.election.pabulib import parse_pabulib_from_string

from budgeting import services
from budgeting.models import Ballot, Phase
from budgeting.verification import check_character
from tests.budgeting.conftest import move_to_results

pytestmark = pytest.mark.django_db

BASE = "/api/v1/budgeting"


def hetu(individual=111, born=dt.date(1990, 5, 18)):
    """A well-formed personal identity code of someone born on ``born``."""
    birth, number = born.strftime("%d%m%y"), f"{individual:03d}"
    century = "-" if born.year < 2000 else "A"
    return f"{birth}{century}{number}{check_character(birth, number)}"


CHILD = dt.date.today().replace(month=1, day=1) - dt.timedelta(days=365 * 5)


VOTER = hetu()


def voter(identifier=VOTER, district="3", birth_date="1990-05-18", **extra):
    return {
        "identifier": identifier,
        "birth_date": birth_date,
        "municipality": "091",
        "home_major_district": district,
        **extra,
    }


def cast(client, round_, plans, **voter_claims):
    return client.post(
        f"{BASE}/rounds/{round_.number}/ballots",
        {"plans": plans, "voter": voter(**voter_claims)},
        content_type="application/json",
    )


def test_round_shows_its_allocation_with_year_and_method(client, round_):
    body = client.get(f"{BASE}/rounds/{round_.number}/").json()
    allocation = body["allocation"]
    assert allocation["population_year"] == 2023
    assert allocation["population"] == 661_374
    assert allocation["method"].startswith("largest remainder")
    assert sum(a["amount"] for a in allocation["areas"]) == 8_000_000
    assert {p["kind"] for p in body["phases"]} == {"proposals", "voting", "results"}
    assert client.get(f"{BASE}/rounds/{round_.number}/allocation").json() == (
        allocation
    )


def test_casting_a_ballot_returns_a_receipt_that_checks_out(client, round_, plans):
    response = cast(client, round_, [plans["park"].pk, plans["festival"].pk])
    assert response.status_code == 201, response.content
    code = response.json()["receipt_code"]
    spaced = f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()
    receipt = client.get(f"{BASE}/receipts/{spaced}").json()
    assert receipt["round"] == round_.number and receipt["stored"] is True
    assert "plans" not in receipt
    assert client.get(f"{BASE}/receipts/NOPE").status_code == 404


@pytest.mark.parametrize(
    ("choice", "claims", "code", "words"),
    [
        (["park", "library"], {}, "over_budget", "Over budget"),
        (["pier"], {}, "wrong_area", "own major district"),
        (
            ["park"],
            {"birth_date": CHILD.isoformat(), "identifier": hetu(born=CHILD)},
            "too_young",
            "at least 13",
        ),
        (["park"], {"municipality": "049"}, "not_resident", "Only residents"),
        ([], {}, "empty", "no plans"),
    ],
)
def test_bad_ballots_are_400_with_what_is_wrong(
    client, round_, plans, choice, claims, code, words
):
    response = cast(client, round_, [plans[name].pk for name in choice], **claims)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert words in response.json()["detail"]
    assert not Ballot.objects.exists()


def test_approval_too_many_plans_is_400(client, db):
    from tests.budgeting.conftest import major, open_round

    round_ = open_round(number=9003, voting_rule="approval", max_choices=1)
    a, b = (
        services.plan_create(round_=round_, title=t, cost=10, area=major("3"))
        for t in "AB"
    )
    response = cast(client, round_, [a.pk, b.pk])
    assert response.status_code == 400 and response.json()["code"] == "too_many_plans"


def test_second_ballot_is_400_duplicate(client, round_, plans):
    assert cast(client, round_, [plans["park"].pk]).status_code == 201
    response = cast(client, round_, [plans["benches"].pk])
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"


def test_voting_closed_is_400(client, round_, plans):
    Phase.objects.filter(round=round_, kind="voting").update(
        ends_on=dt.date.today() - dt.timedelta(days=1)
    )
    response = cast(client, round_, [plans["park"].pk])
    assert response.status_code == 400 and response.json()["code"] == "voting_closed"


@pytest.mark.parametrize(
    "payload",
    [
        {"plans": "park", "voter": {}},
        {"plans": [1], "voter": "me"},
        {"plans": [1], "voter": {"identifier": "x"}},
        {"plans": [1], "voter": voter(birth_date="31.12.1990")},
    ],
)
def test_malformed_ballots_are_400(client, round_, payload):
    response = client.post(
        f"{BASE}/rounds/{round_.number}/ballots",
        payload,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content


def test_paper_ballots_need_staff_and_dedupe_against_online(
    client, admin_client, round_, plans
):
    url = f"{BASE}/rounds/{round_.number}/paper-ballots"
    payload = {"plans": [plans["park"].pk], "voter": voter()}
    anonymous = client.post(url, payload, content_type="application/json")
    assert anonymous.status_code in (401, 403)
    assert cast(client, round_, [plans["benches"].pk]).status_code == 201
    response = admin_client.post(url, payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "duplicate"
    other = {"plans": [plans["park"].pk], "voter": voter(identifier=hetu(222))}
    response = admin_client.post(url, other, content_type="application/json")
    assert response.status_code == 201
    assert Ballot.objects.get(receipt_code=response.json()["receipt_code"]).channel == (
        "paper"
    )


def test_unknown_round_and_area_are_404(client, round_):
    assert client.get(f"{BASE}/rounds/999/").status_code == 404
    assert client.get(f"{BASE}/rounds/{round_.number}/plans/?area=99").status_code == (
        404
    )


def test_results_and_pabulib_export_after_the_count(client, round_, plans):
    for n, name in enumerate(["park", "park", "benches"]):
        assert cast(
            client, round_, [plans[name].pk], identifier=hetu(300 + n)
        ).status_code == (201)
    export = f"{BASE}/rounds/{round_.number}/areas/3/pabulib.pb"
    assert client.get(export).json()["code"] == "voting_open"
    move_to_results(round_)
    services.tally_compute(round_, publish=True)

    pools = {
        p["area"]: p
        for p in client.get(f"{BASE}/rounds/{round_.number}/results").json()["pools"]
    }
    central = pools["3"]
    assert {p["title"] for p in central["plans"] if p["selected"]} == {
        "Park",
        "Benches",
    }
    greedy = central["tallies"]["greedy"]["lines"]
    assert [(line["plan"], line["votes"]) for line in greedy][:2] == [
        (plans["park"].pk, 2),
        (plans["benches"].pk, 1),
    ]
    assert set(central["tallies"]) == {"greedy", "equal_shares"}
    page = client.get(
        f"/en/budgeting/rounds/{round_.number}/results/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Method of Equal Shares" in page

    response = client.get(export)
    assert response.status_code == 200
    instance, profile = parse_pabulib_from_string(response.content.decode())
    assert {(p.name, p.cost) for p in instance} == {
        (str(plans[n].pk), plans[n].cost) for n in ("park", "library", "benches")
    }
    assert instance.budget_limit == central["budget"]
    assert sorted(sorted(p.name for p in b) for b in profile) == sorted(
        [[str(plans["park"].pk)], [str(plans["park"].pk)], [str(plans["benches"].pk)]]
    )


def test_round_page_shows_allocation_and_results(client, round_, plans):
    response = client.get(f"/en/budgeting/rounds/{round_.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Keskinen" in html and "1,257,927" in html
    results = client.get(f"/en/budgeting/rounds/{round_.number}/results/")
    assert "Park" in results.content.decode()


def test_results_layer_shows_selected_plans_with_implementation(
    client, round_, admin_user
):
    from tests import places
    from tests.budgeting.conftest import major

    kallio = services.plan_create(
        round_=round_,
        title="Skatepark",
        cost=100_000,
        area=major("3"),
        location=places.RAILWAY_STATION,
    )
    services.plan_create(
        round_=round_,
        title="Not chosen",
        cost=100_000,
        area=major("3"),
        location=places.RAILWAY_STATION,
    )
    assert cast(client, round_, [kallio.pk]).status_code == 201
    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    kallio.refresh_from_db()
    services.plan_implementation_update(
        kallio,
        user=admin_user,
        status="in_progress",
        started_on=dt.date(2026, 9, 1),
        notes="Tendered",
    )
    response = client.get(f"{BASE}/rounds/{round_.number}/results.geojson")
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Skatepark"]
    lon, lat = features[0]["geometry"]["coordinates"]
    assert (round(lon, 4), round(lat, 4)) == (24.9414, 60.1710)
    props = features[0]["properties"]
    assert props["implementation_status"] == "in_progress"
    assert props["implementation_started_on"] == "2026-09-01"
    everything = client.get(f"{BASE}/results.geojson?area=3").json()["features"]
    assert [f["id"] for f in everything] == [kallio.pk]


def test_implementation_is_updated_by_staff_and_the_areas_coordinators(
    client, admin_user, django_user_model, round_, plans
):
    from districts.services import coordinator_assign
    from tests.budgeting.conftest import major

    assert cast(client, round_, [plans["park"].pk]).status_code == 201
    move_to_results(round_)
    services.tally_compute(round_, publish=True)
    url = f"{BASE}/plans/{plans['park'].pk}/implementation"
    body = {"status": "done", "done_on": "2027-06-01", "notes": "Opened"}
    assert client.patch(url, body, content_type="application/json").status_code in (
        401,
        403,
    )
    southern = django_user_model.objects.create_user("south")
    central = django_user_model.objects.create_user("central")
    coordinator_assign(actor=admin_user, user=southern, area=major("1"))
    coordinator_assign(actor=admin_user, user=central, area=major("3"))
    client.force_login(southern)
    assert client.patch(url, body, content_type="application/json").status_code == 403
    client.force_login(central)
    response = client.patch(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["implementation"]["status"] == "done"
    assert response.json()["implementation"]["done_on"] == "2027-06-01"
    missing_date = client.patch(
        f"{BASE}/plans/{plans['library'].pk}/implementation",
        {"status": "in_progress"},
        content_type="application/json",
    )
    assert missing_date.status_code == 400  # library was not selected


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/rounds/99999999999999999999/", None),
        ("get", "/rounds/{n}/plans/?selected=maybe", None),
        ("get", "/receipts/" + "X" * 500, None),
        ("post", "/rounds/{n}/ballots", {"plans": [2**70], "voter": voter()}),
        ("post", "/rounds/{n}/ballots", {"plans": [1] * 501, "voter": voter()}),
        (
            "post",
            "/rounds/{n}/ballots",
            {"plans": [1], "voter": voter(birth_date="0001-01-01")},
        ),
        ("get", "/rounds/{n}/areas/%00/pabulib.pb", None),
    ],
)
def test_odd_input_is_a_4xx_never_a_500(client, round_, method, path, payload):
    url = BASE + path.format(n=round_.number)
    if payload is None:
        response = getattr(client, method)(url)
    else:
        response = client.post(url, payload, content_type="application/json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
