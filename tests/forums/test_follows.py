"""Following areas and forums: the Follow button, "since your last visit"
and the daily digest (``manage.py send_digests``)."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.services.cases import case_create
from districts.services import custom_area_create
from forums.models import Digest, Follow, Follower
from forums.services import follow_create, forum_create, meeting_create
from geo.params import parse_polygon
from tests import places
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEWS = "/fi/news/"


@pytest.fixture
def kluuvi(district):
    return district("sub_district", "020")


@pytest.fixture
def signed_in(resident):
    client = Client()
    client.force_login(resident)
    return client


def follow_page(client, **target):
    return client.post("/fi/follows/", {**target, "next": "/fi/forums/"})


def test_a_case_created_in_a_followed_area_is_new_and_in_exactly_one_digest(
    signed_in, resident, kluuvi, mailoutbox
):
    # The district above Kluuvi: its sub-districts' cases count.
    district = kluuvi.parent
    followed = follow_page(signed_in, area=f"{district.level}:{district.code}")
    assert followed.status_code == 302
    assert followed["Location"] == "/fi/forums/"
    case = case_create(
        title_fi="Penkki rikki asemalla", location=places.RAILWAY_STATION
    )
    elsewhere = case_create(title_fi="Kaatunut puu", location=places.MALMI_AIRPORT)

    page = signed_in.get(NEWS).content.decode()
    assert case.title_fi in page
    assert elsewhere.title_fi not in page

    call_command("send_digests", "--no-progress")
    call_command("send_digests", "--no-progress")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [resident.email]
    assert case.title_fi in message.body
    assert elsewhere.title_fi not in message.body
    assert f"/fi/items/cases/{case.pk}/" in message.body
    digest = Digest.objects.get(user=resident)
    assert (digest.case_count, digest.proposal_count, digest.meeting_count) == (1, 0, 0)
    # The digest moved the last visit: the case is no longer new.
    assert case.title_fi not in signed_in.get(NEWS).content.decode()


def test_reading_the_page_writes_nothing(signed_in, resident, kluuvi):
    follow_create(user=resident, district=kluuvi, language="fi")
    case_create(title_fi="Uusi asia", location=places.RAILWAY_STATION)
    before = (Follow.objects.count(), Follower.objects.get(user=resident).seen_at)
    with CaptureQueriesContext(connection) as queries:
        first = signed_in.get(NEWS)
        second = signed_in.get(NEWS)
    assert "Uusi asia" in first.content.decode()
    assert "Uusi asia" in second.content.decode()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert (
        Follow.objects.count(),
        Follower.objects.get(user=resident).seen_at,
    ) == before
    assert before[1] is None


def test_mark_as_seen_moves_the_last_visit_to_when_the_page_was_read(
    signed_in, resident, kluuvi
):
    follow_create(user=resident, district=kluuvi)
    seen = case_create(title_fi="Luettu asia", location=places.RAILWAY_STATION)
    read_at = timezone.now()
    later = case_create(title_fi="Myöhempi asia", location=places.RAILWAY_STATION)
    response = signed_in.post("/fi/news/seen", {"seen_at": read_at.isoformat()})
    assert response.status_code == 302
    page = signed_in.get(NEWS).content.decode()
    assert seen.title_fi not in page
    # Came in after the page was read: still new.
    assert later.title_fi in page
    assert signed_in.post("/fi/news/seen", {"seen_at": "yesterday"}).status_code == 400


def test_a_custom_area_is_followed_by_its_geometry(signed_in, resident, planner):
    area = custom_area_create(
        actor=planner,
        name_fi="Itäkeskuksen ympäristö",
        boundary=parse_polygon(places.square(places.ITAKESKUS_METRO, 0.003)),
        is_public=True,
    )
    page = signed_in.get(f"/fi/custom-areas/{area.pk}/")
    assert page.status_code == 200
    assert 'name="custom_area"' in page.content.decode()
    assert follow_page(signed_in, custom_area=area.pk).status_code == 302
    inside = case_create(title_fi="Itäkeskuksen asia", location=places.ITAKESKUS_METRO)
    outside = case_create(title_fi="Asemalla", location=places.RAILWAY_STATION)
    news = signed_in.get(NEWS).content.decode()
    assert inside.title_fi in news
    assert outside.title_fi not in news


def test_a_followed_forum_brings_its_new_meetings(signed_in, coordinator, kluuvi):
    forum = forum_create(actor=coordinator, area=kluuvi, title="Kluuvin foorumi")
    other = forum_create(actor=coordinator, area=kluuvi, title="Toinen foorumi")
    assert follow_page(signed_in, forum=forum.pk).status_code == 302
    starts = timezone.now() + dt.timedelta(days=7)
    for f, title in ((forum, "Kevään asukasilta"), (other, "Muu ilta")):
        meeting_create(
            actor=coordinator,
            forum=f,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )
    news = signed_in.get(NEWS).content.decode()
    assert "Kevään asukasilta" in news
    assert "Muu ilta" not in news


def test_the_follow_button_follows_and_unfollows(signed_in, resident, kluuvi, client):
    url = f"/fi/areas/{kluuvi.level}/{kluuvi.code}/"
    anonymous = client.get(url).content.decode()
    assert "Kirjaudu seurataksesi" in anonymous  # "Sign in to follow"
    assert 'action="/fi/follows/"' not in anonymous

    assert ">Seuraa</button>" in signed_in.get(url).content.decode()
    ref = f"{kluuvi.level}:{kluuvi.code}"
    assert signed_in.post("/fi/follows/", {"area": ref, "next": url})["Location"] == url
    assert Follow.objects.filter(user=resident, district=kluuvi).count() == 1
    assert ">Lopeta seuraaminen</button>" in signed_in.get(url).content.decode()
    # Following twice is still one follow.
    signed_in.post("/fi/follows/", {"area": ref, "next": url})
    assert Follow.objects.filter(user=resident).count() == 1
    signed_in.post("/fi/follows/", {"area": ref, "action": "unfollow", "next": url})
    assert not Follow.objects.filter(user=resident).exists()


def test_the_follow_form_refuses_what_it_cannot_follow(signed_in, client):
    unknown = signed_in.post("/fi/follows/", {"area": "sub_district:999"})
    assert unknown.status_code == 400
    assert "999" in unknown.content.decode()
    assert signed_in.post("/fi/follows/", {"forum": "x1"}).status_code == 400
    assert signed_in.post("/fi/follows/", {}).status_code == 400
    # Another site is not where the form goes back to.
    kluuvi = {"area": "sub_district:020", "next": "https://evil.example/"}
    assert signed_in.post("/fi/follows/", kluuvi)["Location"] == NEWS
    assert client.post("/fi/follows/", kluuvi).status_code == 302  # to sign-in
    assert client.get(NEWS)["Location"].startswith("/fi/accounts/login/")


def test_the_unsubscribe_link_stops_digests_without_signing_in(
    resident, kluuvi, mailoutbox, client
):
    follow_create(user=resident, district=kluuvi)
    case_create(title_fi="Ensimmäinen", location=places.RAILWAY_STATION)
    call_command("send_digests", "--no-progress")
    link = re.search(r"http://\S+/digests/unsubscribe/\S+/", mailoutbox[0].body)
    assert link is not None
    assert mailoutbox[0].extra_headers["List-Unsubscribe"] == f"<{link.group(0)}>"
    path = link.group(0).split("8000", 1)[1]
    assert client.get(path).status_code == 200
    assert Follower.objects.get(user=resident).digests  # asking is not stopping
    assert client.post(path).status_code == 200
    assert not Follower.objects.get(user=resident).digests
    # Tomorrow, with news again: nothing.
    Digest.objects.update(sent_on=timezone.localdate() - dt.timedelta(days=1))
    case_create(title_fi="Toinen", location=places.RAILWAY_STATION)
    call_command("send_digests", "--no-progress")
    assert len(mailoutbox) == 1
    forged = path.replace("/unsubscribe/", "/unsubscribe/x")
    assert client.get(forged).status_code == 404


def test_a_digest_is_written_in_the_language_the_resident_followed_in(
    kluuvi, mailoutbox
):
    swede = UserFactory(username="svensk")
    follow_create(user=swede, district=kluuvi, language="sv")
    case_create(title_fi="Uusi", location=places.RAILWAY_STATION)
    call_command("send_digests", "--no-progress")
    assert mailoutbox[0].subject == "Piiri: nytt i det du följer"
    assert "/sv/news/" in mailoutbox[0].body


def test_nothing_new_sends_nothing(resident, kluuvi, mailoutbox):
    follow_create(user=resident, district=kluuvi)
    call_command("send_digests", "--no-progress")
    assert mailoutbox == []
    assert not Digest.objects.exists()
