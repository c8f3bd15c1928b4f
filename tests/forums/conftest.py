from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from cases.models import Case, Facility
from cases.services.links import areas_link
from forums.services import forum_create, meeting_create
from tests import places

# A fixed week in the future, so "upcoming" never depends on today's date.
MONDAY = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def at():
    """``at(days, hours)``: a time in the test week."""
    return lambda days=0, hours=0: MONDAY + timedelta(days=days, hours=hours)


@pytest.fixture
def kluuvi_forum(coordinator, district):
    return forum_create(
        actor=coordinator,
        area=district("sub_district", "020"),
        title="Kluuvin foorumi",
        description="Keskustan asukasfoorumi.",
    )


@pytest.fixture
def meeting_in(coordinator, at):
    def make(forum, title="Asukasilta", days=0, **fields):
        return meeting_create(
            actor=fields.pop("actor", coordinator),
            forum=forum,
            title=title,
            starts_at=at(days),
            ends_at=at(days, hours=2),
            **fields,
        )

    return make


@pytest.fixture
def case_at():
    def make(point, title="Test case"):
        case = Case.objects.create(title_fi=title, location=point)
        areas_link(Case, [case.pk])
        return case

    return make


@pytest.fixture
def library_at():
    """A labelled test facility (not real data) at a real place."""

    def make(point, name="Test library"):
        facility = Facility.objects.create(
            kind=Facility.Kind.LIBRARY,
            name_fi=name,
            address_fi="Testikatu 1",
            location=point,
            source="test",
            source_id=name,
        )
        areas_link(Facility, [facility.pk])
        return facility

    return make


@pytest.fixture
def station():
    return places.RAILWAY_STATION


@pytest.fixture
def signed_in(coordinator):
    """A coordinator's client that enforces CSRF, as a browser session would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    return client
