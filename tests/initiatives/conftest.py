import datetime as dt

import pytest

from districts.identity import SESSION_KEY, Identity
from tests.factories import UserFactory
from tests.places import RAILWAY_STATION

ISSUER = "http://127.0.0.1:54390"


def identity(subject: str, *, municipality="091", district="3", loa="substantial"):
    return Identity(
        issuer=ISSUER,
        subject=subject,
        level_of_assurance=loa,
        birth_date="1990-01-01",
        municipality=municipality,
        home_major_district=district,
        identified_at=dt.datetime.now(dt.UTC).isoformat(),
    )


def signed_in(client, subject: str, **claims):
    """``client`` signed in as a resident who proved ``subject``, as the
    OIDC callback leaves the session (tests/districts/test_identity.py runs
    the real flow)."""
    user = UserFactory(username=f"oidc-{subject}")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = identity(subject, **claims)
    session.save()
    return user


def draft(author, **fields):
    from initiatives.services import initiative_create

    values = {
        "title": "Leikkipuisto Kluuviin",
        "text": "Ehdotan, että Kluuviin rakennetaan uusi leikkipuisto lapsille.",
        "topic": "parks",
        "location": RAILWAY_STATION,
        **fields,
    }
    return initiative_create(author=author, **values)


def gathering(author, **fields):
    from initiatives.services import initiative_publish

    return initiative_publish(actor=author, initiative=draft(author, **fields))


@pytest.fixture
def author(db):
    return UserFactory(username="author")
