import pytest

from forums.models import Forum, Meeting
from tests import places

pytestmark = pytest.mark.django_db


def csrf_token(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["csrf_token"]


def test_coordinator_pages_need_a_sign_in(client):
    response = client.get("/fi/coordinator/")
    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/login/?next=/fi/coordinator/"


def test_coordinator_pages_are_not_for_residents(client, resident):
    client.force_login(resident)
    assert client.get("/fi/coordinator/").status_code == 403


def test_a_coordinator_creates_a_forum_through_the_form(signed_in, district):
    token = csrf_token(signed_in, "/fi/coordinator/forums/new")
    kluuvi = district("sub_district", "020")
    response = signed_in.post(
        "/fi/coordinator/forums/new",
        {
            "area": f"d{kluuvi.id}",
            "title": "Kluuvin foorumi",
            "csrfmiddlewaretoken": token,
        },
    )
    forum = Forum.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fi/coordinator/forums/{forum.id}/"
    assert forum.district == kluuvi


def test_the_forum_form_offers_only_the_coordinators_areas(signed_in, district):
    page = signed_in.get("/fi/coordinator/forums/new")
    choices = dict(page.context["form"].fields["area"].choices)
    assert f"d{district('sub_district', '020').id}" in choices
    assert f"d{district('sub_district', '457').id}" not in choices


def test_a_form_post_without_the_csrf_token_is_refused(signed_in, district):
    kluuvi = district("sub_district", "020")
    response = signed_in.post(
        "/fi/coordinator/forums/new", {"area": f"d{kluuvi.id}", "title": "X"}
    )
    assert response.status_code == 403
    assert Forum.objects.count() == 0


def test_the_meeting_form_shows_the_services_message(signed_in, kluuvi_forum):
    url = f"/fi/coordinator/forums/{kluuvi_forum.id}/meetings/new"
    token = csrf_token(signed_in, url)
    response = signed_in.post(
        url,
        {
            "title": "Ilta",
            "starts_at": "2030-03-04 18:00",
            "ends_at": "2030-03-04 17:00",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 400
    assert "The meeting must end after it starts" in response.content.decode()
    assert Meeting.objects.count() == 0
    accepted = signed_in.post(
        url,
        {
            "title": "Ilta",
            "starts_at": "2030-03-04 18:00",
            "ends_at": "2030-03-04 20:00",
            "languages": ["fi", "sv"],
            "csrfmiddlewaretoken": token,
        },
    )
    assert accepted.status_code == 302
    assert Meeting.objects.get().languages == ["fi", "sv"]


def test_the_dashboard_page_lists_new_cases_and_meetings(
    signed_in, kluuvi_forum, meeting_in, case_at
):
    case_at(places.RAILWAY_STATION, title="Rautatientorin kunnostus")
    meeting_in(kluuvi_forum, title="Kevätilta")
    page = signed_in.get("/en/coordinator/").content.decode()
    assert "Your first visit" in page
    assert "Rautatientorin kunnostus" in page
    assert "Kevätilta" in page
    again = signed_in.get("/fi/coordinator/").content.decode()
    assert "Rautatientorin kunnostus" not in again
    assert "Kevätilta" in again


def test_another_areas_forum_page_is_403(client, coordinator, district, city_admin):
    from forums.services import forum_create

    forum = forum_create(
        actor=city_admin, area=district("sub_district", "457"), title="Itä"
    )
    client.force_login(coordinator)
    assert client.get(f"/fi/coordinator/forums/{forum.id}/").status_code == 403


def held_meeting(coordinator, district, *, days_ago=1):
    from datetime import timedelta

    from django.utils import timezone

    from forums.services import forum_create, meeting_create

    forum = forum_create(
        actor=coordinator, area=district("sub_district", "020"), title="Kluuvi"
    )
    start = timezone.now() - timedelta(days=days_ago)
    return meeting_create(
        actor=coordinator,
        forum=forum,
        title="Asukasilta",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def test_a_coordinator_records_attendance_on_the_meeting_page(
    signed_in, coordinator, district
):
    from districts.models import AuditLog

    meeting = held_meeting(coordinator, district)
    url = f"/fi/coordinator/meetings/{meeting.pk}/attendance"
    token = csrf_token(signed_in, url)
    response = signed_in.post(url, {"attendance": "23", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendance == 23
    entry = AuditLog.objects.filter(object_type="forums.meeting").first()
    assert entry.changes == {"attendance": 23}
    assert "23" in signed_in.get(url).content.decode()


def test_attendance_of_a_meeting_to_come_is_refused(signed_in, coordinator, district):
    meeting = held_meeting(coordinator, district, days_ago=-3)
    url = f"/fi/coordinator/meetings/{meeting.pk}/attendance"
    token = csrf_token(signed_in, url)
    response = signed_in.post(url, {"attendance": "5", "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.attendance is None


def test_a_negative_attendance_is_a_form_error(signed_in, coordinator, district):
    meeting = held_meeting(coordinator, district)
    url = f"/fi/coordinator/meetings/{meeting.pk}/attendance"
    token = csrf_token(signed_in, url)
    response = signed_in.post(url, {"attendance": "-4", "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.attendance is None


def test_another_areas_coordinator_cannot_record_attendance(
    client, coordinator, district, city_admin
):
    from districts.services import coordinator_assign
    from tests.factories import UserFactory

    meeting = held_meeting(coordinator, district)
    other = UserFactory(username="east")
    coordinator_assign(
        actor=city_admin, user=other, area=district("major_district", "7")
    )
    client.force_login(other)
    response = client.post(
        f"/fi/coordinator/meetings/{meeting.pk}/attendance", {"attendance": "9"}
    )
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.attendance is None
