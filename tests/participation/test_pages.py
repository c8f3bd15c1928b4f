"""The equity view's answers to what the form sends."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_view_lists_areas_below_the_combined_rate_by_the_margin(client):
    response = client.get(
        "/en/participation/", {"measure": "proposals", "round": "1", "margin": "40"}
    )
    assert response.status_code == 200
    context = response.context
    combined = context["total"].per_1000
    listed = [item.area.code for item in context["outreach"]]
    expected = [row.code for row in context["rows"] if row.per_1000 < combined * 0.6]
    assert sorted(listed) == sorted(expected) and listed
    # Furthest below first.
    shortfalls = [item.shortfall for item in context["outreach"]]
    assert shortfalls == sorted(shortfalls, reverse=True)


def test_the_period_of_the_other_kind_is_ignored_by_the_form(client):
    response = client.get(
        "/fi/participation/", {"measure": "meetings", "round": "3", "year": "2022"}
    )
    assert response.status_code == 200
    assert response.context["query"].period == 2022


@pytest.mark.parametrize(
    "params, words",
    [
        ({"measure": "ballots", "level": "district"}, "major_district"),
        ({"margin": "abc"}, "percentage"),
        ({"measure": "meetings", "year": "2035"}, "No population figures"),
    ],
)
def test_bad_input_on_the_page_is_400_with_the_message(client, params, words):
    response = client.get("/en/participation/", params)
    assert response.status_code == 400
    assert words in response.content.decode()
