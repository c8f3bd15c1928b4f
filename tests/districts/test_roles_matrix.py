"""The permission matrix: every role, every action, inside and outside the
user's areas, on official and custom areas. The table is the documentation
(the README's "Roles and permissions" repeats it); each row runs through the
HTTP API as that user.

The coordinator is assigned the major district Eteläinen (1), which includes
its districts and sub-districts, and one custom area drawn around Itäkeskus.
"Inside" is an area in their charge: the sub-district Kluuvi (020) or that
custom area. "Outside" is one that is not: the sub-district Itäkeskus (457,
in the major district Itäinen) or a public custom area drawn by a planner
around Malmi airport. Planners are city-wide for custom areas and do not run
forums; admins may do everything. Anonymous callers get 401, signed-in
callers without the right 403, and nothing is written.
"""

import pytest
from django.db import transaction

from districts.models import AuditLog, CustomArea, District
from districts.services import coordinator_assign, custom_area_create
from forums.models import Forum, Meeting
from forums.services import forum_create, meeting_create
from geo.params import parse_polygon
from tests import places
from tests.factories import UserFactory, admin_user, planner_user

ROLES = ("anonymous", "resident", "coordinator", "planner", "admin")

# action, area kind, place: anonymous, resident, coordinator, planner, admin
MATRIX = [
    ("create forum", "official", "inside", 401, 403, 201, 403, 201),
    ("create forum", "official", "outside", 401, 403, 403, 403, 201),
    ("create forum", "custom", "inside", 401, 403, 201, 403, 201),
    ("create forum", "custom", "outside", 401, 403, 403, 403, 201),
    ("edit forum", "official", "inside", 401, 403, 200, 403, 200),
    ("edit forum", "official", "outside", 401, 403, 403, 403, 200),
    ("edit forum", "custom", "inside", 401, 403, 200, 403, 200),
    ("edit forum", "custom", "outside", 401, 403, 403, 403, 200),
    ("schedule meeting", "official", "inside", 401, 403, 201, 403, 201),
    ("schedule meeting", "official", "outside", 401, 403, 403, 403, 201),
    ("schedule meeting", "custom", "inside", 401, 403, 201, 403, 201),
    ("schedule meeting", "custom", "outside", 401, 403, 403, 403, 201),
    ("publish minutes", "official", "inside", 401, 403, 200, 403, 200),
    ("publish minutes", "official", "outside", 401, 403, 403, 403, 200),
    ("publish minutes", "custom", "inside", 401, 403, 200, 403, 200),
    ("publish minutes", "custom", "outside", 401, 403, 403, 403, 200),
    ("draw custom area", "official", "inside", 401, 403, 201, 201, 201),
    ("draw custom area", "official", "outside", 401, 403, 403, 201, 201),
    ("draw custom area", "custom", "inside", 401, 403, 201, 201, 201),
    ("draw custom area", "custom", "outside", 401, 403, 403, 201, 201),
    ("edit custom area", "official", "inside", 401, 403, 200, 200, 200),
    ("edit custom area", "official", "outside", 401, 403, 403, 200, 200),
    ("edit custom area", "custom", "inside", 401, 403, 200, 200, 200),
    ("edit custom area", "custom", "outside", 401, 403, 403, 200, 200),
    ("delete custom area", "official", "inside", 401, 403, 204, 204, 204),
    ("delete custom area", "official", "outside", 401, 403, 403, 204, 204),
    ("delete custom area", "custom", "inside", 401, 403, 204, 204, 204),
    ("delete custom area", "custom", "outside", 401, 403, 403, 204, 204),
    ("follow area", "official", "-", 401, 201, 201, 201, 201),
    ("follow area", "custom", "-", 401, 201, 201, 201, 201),
    ("read audit log", "-", "-", 401, 403, 403, 403, 200),
    ("see own roles", "-", "-", 401, 200, 200, 200, 200),
]

CASES = [
    pytest.param(
        action, kind, place, role, expected, id=f"{action}|{kind}|{place}|{role}"
    )
    for action, kind, place, *answers in MATRIX
    for role, expected in zip(ROLES, answers, strict=True)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at
    its end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        admin = admin_user(username="matrixadmin")
        planner = planner_user(username="matrixplanner")
        coordinator = UserFactory(username="matrixcoordinator")

        def drawn(centre, half_side=0.002):
            return custom_area_create(
                actor=planner,
                name_fi="Drawn",
                boundary=parse_polygon(places.square(centre, half_side)),
                is_public=True,
            )

        assigned = drawn(places.ITAKESKUS_METRO, half_side=0.01)
        eteläinen = District.objects.get(level="major_district", code="1")
        coordinator_assign(actor=admin, user=coordinator, area=eteläinen)
        coordinator_assign(actor=admin, user=coordinator, area=assigned)
        # Areas with forums cannot be deleted; these have none.
        spare = drawn(places.ITAKESKUS_METRO, half_side=0.005)
        coordinator_assign(actor=admin, user=coordinator, area=spare)
        areas = {
            ("official", "inside"): District.objects.get(
                level="sub_district", code="020"
            ),
            ("official", "outside"): District.objects.get(
                level="sub_district", code="457"
            ),
            ("custom", "inside"): assigned,
            ("custom", "outside"): drawn(places.MALMI_AIRPORT, half_side=0.003),
        }
        forums = {
            key: forum_create(actor=admin, area=area, title=f"Forum {key}")
            for key, area in areas.items()
        }
        meetings = {
            key: meeting_create(
                actor=admin,
                forum=forum,
                title="Meeting",
                # Held already, so its minutes may be published.
                starts_at="2021-03-04T15:00:00+00:00",
                ends_at="2021-03-04T17:00:00+00:00",
            )
            for key, forum in forums.items()
        }
        yield {
            "users": {
                "resident": UserFactory(username="matrixresident"),
                "coordinator": coordinator,
                "planner": planner,
                "admin": admin,
            },
            "areas": areas,
            "forums": forums,
            "meetings": meetings,
            # Public areas drawn by someone else: the targets of edits.
            "custom areas": {
                ("official", "inside"): drawn(places.RAILWAY_STATION),
                ("official", "outside"): drawn(places.MALMI_AIRPORT),
                ("custom", "inside"): spare,
                ("custom", "outside"): drawn(places.MALMI_AIRPORT, half_side=0.004),
            },
            # Where a new area is drawn.
            "drawing at": {
                ("official", "inside"): places.RAILWAY_STATION,
                ("official", "outside"): places.MALMI_AIRPORT,
                ("custom", "inside"): places.ITAKESKUS_METRO,
                ("custom", "outside"): places.MALMI_AIRPORT,
            },
        }
        transaction.set_rollback(True)


def area_ref(area):
    if isinstance(area, District):
        return {"area": f"{area.level}:{area.code}"}
    return {"custom_area": area.id}


def act(client, world, action, kind, place):
    key = (kind, place)
    json = "application/json"
    if action == "create forum":
        body = {"title": "New forum", **area_ref(world["areas"][key])}
        return client.post("/api/v1/forums/", body, json)
    if action == "edit forum":
        url = f"/api/v1/forums/{world['forums'][key].id}/"
        return client.patch(url, {"title": "Renamed"}, json)
    if action == "schedule meeting":
        url = f"/api/v1/forums/{world['forums'][key].id}/meetings/"
        body = {
            "title": "Evening",
            "starts_at": "2030-04-01T15:00:00Z",
            "ends_at": "2030-04-01T17:00:00Z",
        }
        return client.post(url, body, json)
    if action == "publish minutes":
        url = f"/api/v1/meetings/{world['meetings'][key].id}/minutes"
        return client.put(url, {"body": "Minutes."}, json)
    if action == "draw custom area":
        centre = world["drawing at"][key]
        body = {"name_fi": "New", "boundary": places.square(centre, 0.001)}
        return client.post("/api/v1/custom-areas/", body, json)
    if action in ("edit custom area", "delete custom area"):
        url = f"/api/v1/custom-areas/{world['custom areas'][key].id}/"
        if action.startswith("edit"):
            return client.patch(url, {"name_fi": "Renamed"}, json)
        return client.delete(url)
    if action == "follow area":
        target = world["areas"][(kind, "outside")]
        return client.post("/api/v1/follows/", area_ref(target), json)
    if action == "read audit log":
        return client.get("/api/v1/audit-log/")
    if action == "see own roles":
        return client.get("/api/v1/me")
    raise AssertionError(f"no such action {action!r}")


def counts():
    return [model.objects.count() for model in (CustomArea, Forum, Meeting, AuditLog)]


@pytest.mark.django_db
@pytest.mark.parametrize("action, kind, place, role, expected", CASES)
def test_permission_matrix(client, world, action, kind, place, role, expected):
    if role != "anonymous":
        client.force_login(world["users"][role])
    before = counts()
    response = act(client, world, action, kind, place)
    assert response.status_code == expected, response.content
    if expected in (401, 403):
        assert "detail" in response.json()
        assert counts() == before
    elif action not in ("follow area", "read audit log", "see own roles"):
        # Every successful change is in the audit log.
        assert counts()[3] == before[3] + 1
