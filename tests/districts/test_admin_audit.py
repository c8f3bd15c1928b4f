"""Edits made in the Django admin and role changes are in the audit log,
like the services' own: who, what, which fields."""

import pytest
from django.urls import reverse

from districts.models import AreaAssignment, AuditLog, District
from districts.services import coordinator_assign, coordinator_unassign
from forums.models import Forum
from tests.factories import UserFactory, admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def kallio():
    return District.objects.get(level="district", name_fi="Kallio")


def entries(instance, pk=None):
    return list(
        AuditLog.objects.filter(
            object_type=instance._meta.label_lower, object_id=pk or instance.pk
        ).order_by("id")
    )


def forum_form(forum_district, creator, title):
    return {
        "district": forum_district.pk,
        "custom_area": "",
        "title": title,
        "description": "",
        "venue_facility": "",
        "venue_address": "",
        "created_by": creator.pk,
    }


def test_creating_changing_and_deleting_a_forum_in_the_admin_is_audited(
    client, superuser, kallio
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:forums_forum_add"),
        forum_form(kallio, superuser, "Kallio-foorumi"),
    )
    assert response.status_code == 302, response.content[:500]
    forum = Forum.objects.get(title="Kallio-foorumi")

    response = client.post(
        reverse("admin:forums_forum_change", args=[forum.pk]),
        forum_form(kallio, superuser, "Kallion asukasfoorumi"),
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:forums_forum_delete", args=[forum.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Forum.objects.filter(pk=forum.pk).exists()

    created, changed, deleted = entries(forum)
    assert [e.action for e in (created, changed, deleted)] == [
        "created",
        "changed",
        "deleted",
    ]
    assert {e.actor for e in (created, changed, deleted)} == {superuser}
    assert changed.changes == {"title": "Kallion asukasfoorumi"}
    assert deleted.object_repr == "Kallion asukasfoorumi"


def test_deleting_selected_forums_in_the_admin_audits_each(client, superuser, kallio):
    forums = [
        Forum.objects.create(
            district=kallio, title=f"Foorumi {n}", created_by=superuser
        )
        for n in range(3)
    ]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:forums_forum_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [f.pk for f in forums],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Forum.objects.filter(pk__in=[f.pk for f in forums]).exists()
    assert [[e.action for e in entries(f)] for f in forums] == [["deleted"]] * 3


def test_assigning_and_removing_a_coordinator_is_audited(kallio):
    admin = admin_user()
    coordinator = UserFactory()
    assignment = coordinator_assign(actor=admin, user=coordinator, area=kallio)
    pk = assignment.pk
    # Assigning the same role again changes nothing and records nothing.
    coordinator_assign(actor=admin, user=coordinator, area=kallio)
    coordinator_unassign(actor=admin, assignment=assignment)
    assert not AreaAssignment.objects.filter(user=coordinator).exists()
    logged = entries(assignment, pk)
    assert [(e.action, e.actor) for e in logged] == [
        ("created", admin),
        ("deleted", admin),
    ]
    assert "Kallio" in logged[0].object_repr
