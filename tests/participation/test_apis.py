"""The participation API: meetings and attendance per year, ballots per
round, CSV, and bad input answered with 400 and a message."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from forums.services import forum_create, meeting_attendance_record, meeting_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/participation/"


def rows_by_code(response):
    assert response.status_code == 200, response.content
    return {row["code"]: row for row in response.json()["results"]}


@pytest.fixture
def kluuvi_meetings(coordinator, district):
    """Two meetings of the Kluuvi (sub-district 020) forum held in 2022,
    with 25 and 10 people, and one in 2023 nobody counted."""
    forum = forum_create(
        actor=coordinator, area=district("sub_district", "020"), title="Kluuvi"
    )
    made = []
    for start, people in (
        (datetime(2022, 3, 1, 15, tzinfo=UTC), 25),
        (datetime(2022, 9, 6, 15, tzinfo=UTC), 10),
        (datetime(2023, 2, 7, 15, tzinfo=UTC), None),
    ):
        meeting = meeting_create(
            actor=coordinator,
            forum=forum,
            title="Asukasilta",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        if people is not None:
            meeting_attendance_record(
                actor=coordinator,
                meeting=meeting,
                attendance=people,
                at=start + timedelta(hours=3),
            )
        made.append(meeting)
    return made


def test_meetings_held_count_for_the_forum_area_and_the_areas_above_it(
    client, kluuvi_meetings, district
):
    kluuvi = district("sub_district", "020")
    home = kluuvi.parent.code
    for level, code in (("district", home), ("major_district", "1")):
        rows = rows_by_code(
            client.get(URL, {"measure": "meetings", "year": 2022, "level": level})
        )
        assert rows[code]["count"] == 2
        assert sum(row["count"] for row in rows.values()) == 2
        attendance = rows_by_code(
            client.get(URL, {"measure": "attendance", "year": 2022, "level": level})
        )
        assert attendance[code]["count"] == 35
        assert attendance[code]["per_1000"] == pytest.approx(
            35_000 / attendance[code]["population"]
        )
    rows = rows_by_code(client.get(URL, {"measure": "meetings", "year": 2023}))
    assert rows[home]["count"] == 1


def test_attendance_is_not_recorded_before_the_meeting(coordinator, district):
    from django.core.exceptions import ValidationError

    forum = forum_create(
        actor=coordinator, area=district("district", "101"), title="Vironniemi"
    )
    start = datetime(2030, 3, 4, 15, tzinfo=UTC)
    meeting = meeting_create(
        actor=coordinator,
        forum=forum,
        title="Tuleva",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    with pytest.raises(ValidationError):
        meeting_attendance_record(
            actor=coordinator, meeting=meeting, attendance=5, at=start - timedelta(1)
        )
    meeting.refresh_from_db()
    assert meeting.attendance is None


def test_rows_carry_the_population_structure_of_the_year(client):
    rows = rows_by_code(client.get(URL, {"measure": "proposals", "round": 2}))
    # Vironniemi (101) in 2020, straight from the statistics file.
    with open(
        "fixtures/districts/helsinki_population_by_peruspiiri_2018-2023.csv"
    ) as f:
        source = next(
            r
            for r in csv.DictReader(f)
            if r["peruspiiri_tunnus"] == "101" and r["year"] == "2020"
        )
    row = rows["101"]
    assert row["population"] == int(source["population"])
    assert row["children_share"] == pytest.approx(
        float(source["Proportion of youth (0-14)"])
    )
    assert row["foreign_language_share"] == pytest.approx(
        float(source["Proportion of foreign language"])
    )
    assert row["name_fi"] == "Vironniemi"


def test_a_major_districts_shares_are_its_districts_weighted_mean(client):
    majors = rows_by_code(
        client.get(URL, {"measure": "proposals", "round": 3, "level": "major_district"})
    )
    districts = client.get(URL, {"measure": "proposals", "round": 3}).json()["results"]
    south = [r for r in districts if r["code"].startswith("1")]
    weighted = sum(r["elderly_share"] * r["population"] for r in south) / sum(
        r["population"] for r in south
    )
    assert majors["1"]["elderly_share"] == pytest.approx(weighted)
    assert majors["1"]["population"] == sum(r["population"] for r in south)


def test_csv_has_one_row_per_area_with_the_json_values(client):
    params = {"measure": "proposals", "round": 1}
    as_json = client.get(URL, params).json()["results"]
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        "participation-proposals-district-round1.csv" in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == [r["code"] for r in as_json]
    assert [int(r["count"]) for r in rows] == [r["count"] for r in as_json]


def test_ballots_are_counted_per_major_district_only(client):
    rows = rows_by_code(
        client.get(URL, {"measure": "ballots", "round": 1, "level": "major_district"})
    )
    assert len(rows) == 8
    # No votes of past OmaStadi rounds are in the open data.
    assert all(row["count"] == 0 for row in rows.values())


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"measure": "likes"}, "measure", "Unknown measure 'likes'"),
        ({"level": "galaxy"}, "level", "not 'galaxy'"),
        ({"measure": "ballots", "level": "district"}, "level", "major_district"),
        ({"round": "9"}, "round", "Unknown round 9"),
        ({"round": "first"}, "round", "whole number"),
        ({"measure": "meetings", "year": "2031"}, "year", "No population figures"),
        ({"measure": "meetings", "year": "20x1"}, "year", "whole number"),
        ({"measure": "meetings", "round": "1"}, "round", "per year"),
        ({"measure": "proposals", "year": "2020"}, "year", "per round"),
    ],
)
def test_bad_input_is_400_with_a_message(client, params, field, words):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert words in response.json()[field][0]


def test_bad_input_as_csv_is_400_too(client):
    response = client.get(URL, {"measure": "likes", "format": "csv"})
    assert response.status_code == 400
    assert "Unknown measure" in response.content.decode()
