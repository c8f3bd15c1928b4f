"""CQL2-text filters on the OGC items, checked against the same features
filtered in Python."""

import pytest
from django.db.models import Count

from cases.models import BudgetProposal

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/{}/items"


def features(client, collection, **params):
    response = client.get(ITEMS.format(collection), {"limit": 10_000, **params})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["numberReturned"] == body["numberMatched"]
    return body["features"]


def ids(found):
    return sorted(f["id"] for f in found)


@pytest.fixture
def proposals(client):
    return features(client, "budget-proposals")


@pytest.fixture
def cases(client):
    return features(client, "cases")


def test_or_not_in_and_between_select_what_python_selects(client, proposals):
    def where(test):
        return ids(f for f in proposals if test(f["properties"]))

    text = "round = 1 OR (round = 3 AND NOT status = 'withdrawn')"
    expected = where(
        lambda p: p["round"] == 1 or (p["round"] == 3 and p["status"] != "withdrawn")
    )
    assert 0 < len(expected) < len(proposals)
    assert ids(features(client, "budget-proposals", filter=text)) == expected
    text = "status IN ('selected', 'not_selected') AND round BETWEEN 2 AND 3"
    expected = where(
        lambda p: p["status"] in ("selected", "not_selected") and 2 <= p["round"] <= 3
    )
    assert expected
    assert ids(features(client, "budget-proposals", filter=text)) == expected
    text = "round >= 2 AND round <> 3"
    expected = where(lambda p: p["round"] >= 2 and p["round"] != 3)
    assert expected
    assert ids(features(client, "budget-proposals", filter=text)) == expected


def test_like_matches_text_with_cql2_wildcards(client):
    found = features(client, "facilities", filter="name_fi LIKE 'Leikkipuisto %'")
    everything = features(client, "facilities")
    expected = ids(
        f for f in everything if f["properties"]["name_fi"].startswith("Leikkipuisto ")
    )
    assert 0 < len(expected) < len(everything)
    assert ids(found) == expected
    one = features(client, "facilities", filter="name_fi LIKE 'Leikkipuisto Hiller_'")
    assert [f["properties"]["name_fi"] for f in one] == ["Leikkipuisto Hilleri"]


def test_not_follows_sql_three_valued_logic_for_missing_values(client, cases):
    decided = [f for f in cases if f["properties"]["decided_on"] is not None]
    undecided = [f for f in cases if f["properties"]["decided_on"] is None]
    assert decided and undecided
    day = sorted(f["properties"]["decided_on"] for f in decided)[len(decided) // 2]
    before = features(client, "cases", filter=f"decided_on < DATE('{day}')")
    not_before = features(client, "cases", filter=f"NOT decided_on < DATE('{day}')")
    # A case with no decision date is neither before nor not before the day.
    assert len(before) + len(not_before) == len(decided)
    assert ids(before) == ids(f for f in decided if f["properties"]["decided_on"] < day)
    missing = features(client, "cases", filter="decided_on IS NULL")
    assert ids(missing) == ids(undecided)


def test_a_date_queryable_takes_a_date_literal_or_a_date_string(client, cases):
    day = cases[0]["properties"]["opened_on"]
    expected = ids(f for f in cases if f["properties"]["opened_on"] == day)
    assert ids(features(client, "cases", filter=f"opened_on = '{day}'")) == expected
    text = f"opened_on = DATE('{day}')"
    assert ids(features(client, "cases", filter=text)) == expected


def test_the_filter_agrees_with_the_database_count(client):
    rounds = dict(BudgetProposal.objects.values_list("round").annotate(n=Count("id")))
    for number, count in rounds.items():
        found = features(client, "budget-proposals", filter=f"round = {number}")
        assert len(found) == count


@pytest.mark.parametrize(
    ("collection", "text", "message"),
    [
        ("sub-districts", "S_INTERSECTS(geometry, BBOX(", "unbalanced '('"),
        ("sub-districts", "S_INTERSECTS(geometry, POINT EMPTY)", "empty geometries"),
        ("sub-districts", "(" * 3000 + "code = '020'" + ")" * 3000, "nested deeper"),
        ("sub-districts", "NOT " * 3000 + "code = '020'", "more than 500 terms"),
        ("budget-proposals", "round = 'abc'", "'round' is a whole number"),
        ("budget-proposals", "round = 1e400", "not finite"),
        ("budget-proposals", "round = 70000", "between 0 and 32767"),
        ("budget-proposals", "estimated_cost > 1e400", "not finite"),
        ("cases", "opened_on = 5", "'opened_on' is a date"),
        ("cases", "opened_on = 'yesterday'", "'opened_on' is a date"),
        ("cases", "title_fi = 'a\x00b'", "control character"),
        ("cases", "status = TRUE", "'status' is text"),
        ("facilities", "is_bookable = 'yes'", "TRUE or FALSE"),
        ("facilities", "name_fi LIKE 5", "LIKE compares text"),
        ("sub-districts", "S_CROSSES(geometry, POINT(24.9 60.1))", "not supported"),
        ("sub-districts", "geometry = 1", "not a queryable"),
    ],
)
def test_malformed_or_mistyped_filters_answer_400_with_a_message(
    client, collection, text, message
):
    response = client.get(ITEMS.format(collection), {"filter": text})
    assert response.status_code == 400, response.content[:300]
    assert message in response.json()["detail"]
