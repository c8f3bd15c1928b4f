import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from districts.models import AuditLog
from forums.models import AgendaItem, Forum, Meeting, Minutes
from forums.services import forum_create, minutes_publish
from tests import places

pytestmark = pytest.mark.django_db

FORUMS = "/api/v1/forums/"


def point(place):
    return {"type": "Point", "coordinates": [place.x, place.y]}


def test_a_major_district_coordinator_creates_a_forum_for_one_of_its_sub_districts(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        FORUMS,
        {"area": "sub_district:020", "title": "Kluuvin foorumi"},
        "application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"]["name_fi"] == "Kluuvi"
    assert body["area"]["level"] == "sub_district"
    forum = Forum.objects.get()
    assert forum.district.ancestors()[-1].code == "1"
    assert forum.created_by == coordinator


def test_a_major_district_coordinator_cannot_create_a_forum_in_another_major_district(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        FORUMS,
        {"area": "sub_district:457", "title": "Itäkeskuksen foorumi"},
        "application/json",
    )
    assert response.status_code == 403
    assert "Itäkeskus" in response.json()["detail"]
    assert Forum.objects.count() == 0


def test_a_planner_does_not_run_forums(planner, district):
    with pytest.raises(PermissionDenied):
        forum_create(actor=planner, area=district("sub_district", "020"), title="No")


def test_an_unknown_area_is_a_400(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        FORUMS, {"area": "sub_district:999", "title": "X"}, "application/json"
    )
    assert response.status_code == 400
    assert "no sub_district has the code '999'" in response.json()["detail"]


def test_forums_of_an_area_include_those_of_the_areas_beneath_it(
    client, kluuvi_forum, coordinator, district
):
    forum_create(actor=coordinator, area=district("major_district", "1"), title="Ete")
    titles = lambda area: [  # noqa: E731
        f["title"] for f in client.get(FORUMS, {"area": area}).json()["results"]
    ]
    assert titles("major_district:1") == ["Ete", "Kluuvin foorumi"]
    assert titles("district:101") == ["Kluuvin foorumi"]
    assert titles("major_district:7") == []


def meeting_body(at, **fields):
    return {
        "title": "Asukasilta",
        "starts_at": at(0).isoformat(),
        "ends_at": at(0, hours=2).isoformat(),
        **fields,
    }


def test_a_coordinator_schedules_a_meeting_with_venue_link_and_languages(
    client, coordinator, kluuvi_forum, at
):
    client.force_login(coordinator)
    response = client.post(
        f"{FORUMS}{kluuvi_forum.id}/meetings/",
        meeting_body(
            at,
            venue_address="Rautatientori 1",
            venue_location=point(places.RAILWAY_STATION),
            online_url="https://meet.example.org/kluuvi",
            languages=["fi", "sv", "fse"],
            accessibility_notes="Step-free entrance from the square.",
        ),
        "application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["venue_location"]["coordinates"] == pytest.approx(
        [24.9414, 60.171], abs=1e-6
    )
    assert body["languages"] == ["fi", "sv", "fse"]
    assert body["starts_at"] == "2030-03-04T15:00:00+00:00"
    assert AuditLog.objects.filter(object_type="forums.meeting").count() == 1


def test_a_meeting_ending_before_it_starts_is_a_400(
    client, coordinator, kluuvi_forum, at
):
    client.force_login(coordinator)
    response = client.post(
        f"{FORUMS}{kluuvi_forum.id}/meetings/",
        meeting_body(at, ends_at=at(0, hours=-1).isoformat()),
        "application/json",
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.json()["ends_at"][0]
    assert Meeting.objects.count() == 0


def test_a_venue_location_in_another_area_is_a_400(
    client, coordinator, kluuvi_forum, at
):
    client.force_login(coordinator)
    response = client.post(
        f"{FORUMS}{kluuvi_forum.id}/meetings/",
        meeting_body(at, venue_location=point(places.ITAKESKUS_METRO)),
        "application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    [message] = response.json()["venue"]
    # The level is named in the active language (Finnish by default).
    assert message.startswith(
        "The venue location lies outside the forum's area Kluuvi ("
    )
    assert message.endswith(" 020).")
    assert Meeting.objects.count() == 0


def test_a_venue_facility_in_another_area_is_a_400(
    client, coordinator, kluuvi_forum, at, library_at
):
    far = library_at(places.ITAKESKUS_METRO, name="Itäkeskuksen testikirjasto")
    near = library_at(places.RAILWAY_STATION, name="Kluuvin testikirjasto")
    client.force_login(coordinator)
    url = f"{FORUMS}{kluuvi_forum.id}/meetings/"
    refused = client.post(
        url, meeting_body(at, venue_facility=far.id), "application/json"
    )
    assert refused.status_code == 400
    assert "'Itäkeskuksen testikirjasto' lies outside" in refused.json()["venue"][0]
    accepted = client.post(
        url, meeting_body(at, venue_facility=near.id), "application/json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["venue"] == "Kluuvin testikirjasto, Testikatu 1"


def test_a_meeting_edit_that_ends_before_it_starts_is_a_400(
    client, coordinator, kluuvi_forum, meeting_in, at
):
    meeting = meeting_in(kluuvi_forum)
    client.force_login(coordinator)
    response = client.patch(
        f"/api/v1/meetings/{meeting.id}/",
        {"starts_at": at(0, hours=3).isoformat()},
        "application/json",
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.starts_at == at(0)


def test_an_agenda_holds_cases_of_the_forums_area_only(
    client, coordinator, kluuvi_forum, meeting_in, case_at
):
    meeting = meeting_in(kluuvi_forum)
    inside = case_at(places.RAILWAY_STATION, title="Rautatientorin kunnostus")
    outside = case_at(places.ITAKESKUS_METRO, title="Itäkeskuksen kaava")
    client.force_login(coordinator)
    url = f"/api/v1/meetings/{meeting.id}/agenda/"
    added = client.post(url, {"case": inside.id}, "application/json")
    assert added.status_code == 201, added.content
    assert added.json() == {
        "id": AgendaItem.objects.get().id,
        "position": 1,
        "title": "Rautatientorin kunnostus",
    }
    refused = client.post(url, {"case": outside.id}, "application/json")
    assert refused.status_code == 400
    assert "is not in the forum's area Kluuvi" in refused.json()["case"][0]
    detail = client.get(f"/api/v1/meetings/{meeting.id}/").json()
    assert [item["title"] for item in detail["agenda"]] == ["Rautatientorin kunnostus"]


def test_minutes_are_published_and_audited(coordinator, kluuvi_forum, meeting_in):
    meeting = meeting_in(kluuvi_forum, days=-3000)  # in 2021: it has been held
    minutes_publish(actor=coordinator, meeting=meeting, body="Päätettiin asioita.")
    minutes_publish(actor=coordinator, meeting=meeting, body="Korjattu pöytäkirja.")
    assert Minutes.objects.get().body == "Korjattu pöytäkirja."
    actions = AuditLog.objects.filter(object_type="forums.minutes").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["changed", "created"]


def test_forum_changes_are_in_the_audit_log(client, coordinator, kluuvi_forum):
    client.force_login(coordinator)
    client.patch(
        f"{FORUMS}{kluuvi_forum.id}/", {"title": "Kluuvi-foorumi"}, "application/json"
    )
    client.delete(f"{FORUMS}{kluuvi_forum.id}/")
    entries = AuditLog.objects.filter(object_type="forums.forum").order_by("id")
    assert [(e.action, e.actor.username) for e in entries] == [
        ("created", "coordinator"),
        ("changed", "coordinator"),
        ("deleted", "coordinator"),
    ]
    assert entries[1].changes == {"title": "Kluuvi-foorumi"}


def test_a_resident_follows_an_area_and_a_forum(client, resident, kluuvi_forum):
    client.force_login(resident)
    assert (
        client.post(
            "/api/v1/follows/", {"area": "district:101"}, "application/json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/follows/", {"forum": kluuvi_forum.id}, "application/json"
        ).status_code
        == 201
    )
    follows = client.get("/api/v1/follows/").json()
    assert [(f["area"] or {}).get("code") for f in follows] == ["101", None]
    assert [f["forum"] for f in follows] == [None, kluuvi_forum.id]
    client.delete(f"/api/v1/follows/{follows[0]['id']}/")
    assert len(client.get("/api/v1/follows/").json()) == 1


def test_the_dashboard_shows_what_is_new_since_the_last_visit(
    client, coordinator, kluuvi_forum, meeting_in, case_at
):
    case_at(places.RAILWAY_STATION, title="Uusi asia Kluuvissa")
    case_at(places.ITAKESKUS_METRO, title="Asia muualla")
    meeting_in(kluuvi_forum, title="Kevään asukasilta")
    client.force_login(coordinator)
    first = client.get("/api/v1/dashboard").json()
    assert first["since"] is None
    # The first visit shows every case in the coordinator's area: the one
    # made here and the real Ahjo cases placed in Eteläinen, not the one
    # in Itäkeskus.
    titles = [c["title"] for c in first["cases"]]
    assert "Uusi asia Kluuvissa" in titles and "Asia muualla" not in titles
    assert [m["title"] for m in first["meetings"]] == ["Kevään asukasilta"]
    second = client.get("/api/v1/dashboard").json()
    assert second["since"] is not None
    assert second["cases"] == []
    # Upcoming meetings stay on the dashboard until they are over.
    assert [m["title"] for m in second["meetings"]] == ["Kevään asukasilta"]
    case_at(places.RAILWAY_STATION, title="Vielä uudempi")
    third = client.get("/api/v1/dashboard").json()
    assert [c["title"] for c in third["cases"]] == ["Vielä uudempi"]


def test_minutes_are_not_published_before_the_meeting_has_started(
    coordinator, kluuvi_forum, meeting_in
):
    meeting = meeting_in(kluuvi_forum)  # in 2030
    with pytest.raises(ValidationError) as refused:
        minutes_publish(actor=coordinator, meeting=meeting, body="Ennalta kirjattu.")
    assert "once it has started" in str(refused.value)
    assert not Minutes.objects.filter(meeting=meeting).exists()
