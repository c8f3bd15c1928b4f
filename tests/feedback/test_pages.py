"""The residents' feedback pages: give feedback from a facility's page,
read it back with the City's replies, and the purge of contact details."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Facility
from feedback.models import ContactDetails, Feedback, RoutingRule, Service, Unit
from feedback.services import Contact, contacts_purge, feedback_create
from tests import places

pytestmark = pytest.mark.django_db


@pytest.fixture
def playground():
    return Facility.objects.filter(kind=Facility.Kind.PLAYGROUND).order_by("id").first()


def test_a_facility_page_offers_feedback_routed_by_its_kind(
    client, resident, playground
):
    RoutingRule.objects.create(
        service=Service.objects.get(code="211"),
        facility_kind=Facility.Kind.PLAYGROUND,
        unit=Unit.objects.create(name="Leikkipaikkojen kunnossapito"),
    )
    page = client.get(f"/en/items/facilities/{playground.pk}/").content.decode()
    form_url = f"/en/feedback/new/?facility={playground.pk}"
    assert f'href="{form_url}"' in page
    assert client.get(form_url).status_code == 302  # sign in first
    client.force_login(resident)
    form = client.get(form_url)
    assert form.status_code == 200
    assert 'name="lat"' not in form.content.decode()
    response = client.post(
        form_url,
        {
            "service_code": "211",
            "title": "Keinu rikki",
            "description": "Keinun ketju on poikki.",
            "email": "asukas@example.org",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your feedback went to Leikkipaikkojen kunnossapito." in text
    assert "Keinun ketju on poikki." in text
    assert "asukas@example.org" not in text
    given = Feedback.objects.get(title="Keinu rikki")
    assert given.facility == playground
    assert given.location == playground.location
    assert given.contact.user == resident


def test_the_form_shows_the_services_refusal(client, resident):
    client.force_login(resident)
    response = client.post(
        "/en/feedback/new/",
        {
            "service_code": "171",
            "description": "Kuoppa.",
            "lat": "60.175",
            "long": "24.805",
        },
    )
    assert response.status_code == 400
    assert "The point is outside Helsinki" in response.content.decode()
    assert not Feedback.objects.filter(description="Kuoppa.").exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_list_and_a_page_show_the_citys_reply(client, language):
    listed = client.get(f"/{language}/feedback/", {"service_code": "178"})
    assert listed.status_code == 200
    assert "/feedback/1ar09ts10t4qdko74nmj/" in listed.content.decode()
    page = client.get(f"/{language}/feedback/1ar09ts10t4qdko74nmj/").content.decode()
    assert "Kiitos palautteestanne." in page
    assert "Rakennusvirasto" in page
    assert 'style="' not in page


def test_contact_details_are_purged_after_the_retention_time(settings):
    settings.FEEDBACK_CONTACT_RETENTION_DAYS = 30
    old, new = (
        feedback_create(
            service_code="171",
            description=text,
            location=places.RAILWAY_STATION,
            contact=Contact(email=f"{text}@example.org"),
        )
        for text in ("vanha", "uusi")
    )
    ContactDetails.objects.filter(feedback=old).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    out = StringIO()
    call_command("purge_feedback_contacts", stdout=out)
    assert "1 contact details older than 30 days deleted" in out.getvalue()
    assert not ContactDetails.objects.filter(feedback=old).exists()
    assert ContactDetails.objects.filter(feedback=new).exists()
    # The public record stays.
    assert Feedback.objects.filter(pk=old.pk).exists()
    assert contacts_purge() == 0


def test_open311_key_command_shows_the_key_once(capsys):
    out = StringIO()
    call_command("open311_key", "Kaupunkisovellus", "--rate", "10/min", stdout=out)
    key = out.getvalue().strip()
    from feedback.keys import api_key_get

    stored = api_key_get(key)
    assert (stored.name, stored.rate) == ("Kaupunkisovellus", "10/min")
    assert key not in stored.digest
