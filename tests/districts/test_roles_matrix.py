"""The permission matrix: every role, every action, inside and outside the
user's areas, on official and custom areas. The table is the documentation
(README "Roles and permissions" repeats it); each row runs through the HTTP
API as that user.

The coordinator is assigned the major district Eteläinen (1), which includes
its districts and sub-districts, and one custom area drawn around Itäkeskus.
"Inside" is an area in their charge; "outside" is one that is not (the
sub-district Itäkeskus 457 for official areas, an area drawn around Malmi
airport for custom ones). Planners are city-wide for custom areas; admins
for everything. Anonymous callers get 401, signed-in callers without the
right 403.
"""

import pytest

from districts.models import AuditLog, CustomArea
from districts.services import coordinator_assign, custom_area_create
from geo.params import parse_polygon
from tests import places

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "resident", "coordinator", "planner", "admin")

# action, area kind, place: anonymous, resident, coordinator, planner, admin
MATRIX = [
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


@pytest.fixture
def world(resident, coordinator, planner, city_admin):
    def drawn(centre, half_side=0.002):
        return custom_area_create(
            actor=planner,
            name_fi="Drawn",
            boundary=parse_polygon(places.square(centre, half_side)),
            is_public=True,
        )

    assigned = drawn(places.ITAKESKUS_METRO, half_side=0.01)
    coordinator_assign(actor=city_admin, user=coordinator, area=assigned)
    return {
        "users": {
            "resident": resident,
            "coordinator": coordinator,
            "planner": planner,
            "admin": city_admin,
        },
        # Areas drawn by others and public: the targets of edits.
        "custom areas": {
            ("official", "inside"): drawn(places.RAILWAY_STATION),
            ("official", "outside"): drawn(places.MALMI_AIRPORT),
            ("custom", "inside"): assigned,
            ("custom", "outside"): drawn(places.MALMI_AIRPORT, half_side=0.003),
        },
        # Where a new area is drawn.
        "drawing at": {
            ("official", "inside"): places.RAILWAY_STATION,
            ("official", "outside"): places.MALMI_AIRPORT,
            ("custom", "inside"): places.ITAKESKUS_METRO,
            ("custom", "outside"): places.MALMI_AIRPORT,
        },
    }


def act(client, world, action, kind, place):
    target = world["custom areas"].get((kind, place))
    url = f"/api/v1/custom-areas/{target.id}/" if target else None
    if action == "draw custom area":
        centre = world["drawing at"][(kind, place)]
        body = {"name_fi": "New", "boundary": places.square(centre, 0.001)}
        return client.post("/api/v1/custom-areas/", body, "application/json")
    if action == "edit custom area":
        return client.patch(url, {"name_fi": "Renamed"}, "application/json")
    if action == "delete custom area":
        return client.delete(url)
    if action == "read audit log":
        return client.get("/api/v1/audit-log/")
    if action == "see own roles":
        return client.get("/api/v1/me")
    raise AssertionError(f"no such action {action!r}")


@pytest.mark.parametrize("action, kind, place, role, expected", CASES)
def test_permission_matrix(client, world, action, kind, place, role, expected):
    if role != "anonymous":
        client.force_login(world["users"][role])
    areas_before = CustomArea.objects.count()
    log_before = AuditLog.objects.count()
    response = act(client, world, action, kind, place)
    assert response.status_code == expected, response.content
    if expected in (401, 403):
        assert "detail" in response.json()
        assert CustomArea.objects.count() == areas_before
        assert AuditLog.objects.count() == log_before
    elif action.endswith("custom area"):
        assert AuditLog.objects.count() == log_before + 1
