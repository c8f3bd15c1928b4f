import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token

from districts import permissions
from districts.models import AuditLog, CustomArea
from districts.selectors import areas_coordinated_by, custom_areas_visible_to
from districts.services import (
    coordinator_assign,
    custom_area_create,
    custom_area_delete,
    custom_area_update,
)
from geo.params import parse_polygon
from tests import places
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CUSTOM_AREAS = "/api/v1/custom-areas/"


def draw(owner, centre, *, public=False, name="Area", half_side=0.002):
    return custom_area_create(
        actor=owner,
        name_fi=name,
        boundary=parse_polygon(places.square(centre, half_side)),
        is_public=public,
    )


def test_a_major_district_coordinator_runs_forums_in_its_sub_districts(
    coordinator, district
):
    kluuvi = district("sub_district", "020")
    assert [a.code for a in kluuvi.ancestors()] == ["101", "1"]
    assert permissions.can_run_forums_in(coordinator, kluuvi)
    assert permissions.can_run_forums_in(coordinator, district("district", "101"))
    assert permissions.can_run_forums_in(coordinator, district("major_district", "1"))


def test_a_major_district_coordinator_cannot_run_another_major_districts_areas(
    coordinator, district
):
    itakeskus = district("sub_district", "457")
    assert [a.code for a in itakeskus.ancestors()] == ["701", "7"]
    assert not permissions.can_run_forums_in(coordinator, itakeskus)
    assert not permissions.can_run_forums_in(
        coordinator, district("major_district", "7")
    )


def test_a_coordinator_covers_custom_areas_inside_their_district(coordinator, planner):
    inside = draw(planner, places.RAILWAY_STATION, public=True)
    outside = draw(planner, places.ITAKESKUS_METRO, public=True)
    assert permissions.coordinates(coordinator, inside)
    assert not permissions.coordinates(coordinator, outside)


def test_coordinated_areas_include_every_area_beneath_the_assigned_one(
    coordinator, district
):
    official, custom = areas_coordinated_by(coordinator)
    major = district("major_district", "1")
    children = set(major.children.values_list("id", flat=True))
    grandchildren = set(
        type(major).objects.filter(parent_id__in=children).values_list("id", flat=True)
    )
    assert official == {major.id} | children | grandchildren
    assert district("sub_district", "020").id in official
    assert custom == set()


def test_a_private_custom_area_is_seen_only_by_its_owner_and_admins(
    planner, coordinator, resident, city_admin
):
    from django.contrib.auth.models import AnonymousUser

    private = draw(planner, places.RAILWAY_STATION)
    public = draw(planner, places.ITAKESKUS_METRO, public=True)
    for viewer in (coordinator, resident, AnonymousUser()):
        assert list(custom_areas_visible_to(viewer)) == [public]
    assert set(custom_areas_visible_to(planner)) == {private, public}
    assert set(custom_areas_visible_to(city_admin)) == {private, public}


def test_a_private_custom_area_is_absent_from_the_api_for_others(
    client, planner, resident
):
    private = draw(planner, places.RAILWAY_STATION, name="Secret")
    client.force_login(resident)
    assert client.get(CUSTOM_AREAS).json()["count"] == 0
    assert client.get(f"{CUSTOM_AREAS}{private.id}/").status_code == 404
    assert (
        client.patch(
            f"{CUSTOM_AREAS}{private.id}/", {"name_fi": "x"}, "application/json"
        ).status_code
        == 404
    )
    client.force_login(planner)
    listed = client.get(CUSTOM_AREAS).json()
    assert [row["name_fi"] for row in listed["results"]] == ["Secret"]
    assert listed["results"][0]["is_mine"] is True


def test_a_planner_draws_edits_and_deletes_a_custom_area_through_the_api(
    client, planner
):
    client.force_login(planner)
    created = client.post(
        CUSTOM_AREAS,
        {
            "name_fi": "Asemanseutu",
            "name_sv": "Stationsområdet",
            "description": "Where the trains stop.",
            "is_public": True,
            "boundary": places.square(places.RAILWAY_STATION),
        },
        "application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    feature = client.get(f"{CUSTOM_AREAS}{pk}/").json()
    assert feature["geometry"]["type"] == "MultiPolygon"
    ring = feature["geometry"]["coordinates"][0][0]
    assert ring[0] == pytest.approx([24.9394, 60.169], abs=1e-6)
    assert feature["properties"]["name_sv"] == "Stationsområdet"
    changed = client.patch(
        f"{CUSTOM_AREAS}{pk}/", {"name_en": "Station area"}, "application/json"
    )
    assert changed.json()["name_en"] == "Station area"
    assert client.delete(f"{CUSTOM_AREAS}{pk}/").status_code == 204
    assert not CustomArea.objects.filter(pk=pk).exists()


def bowtie():
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [24.93, 60.17],
                [24.95, 60.18],
                [24.95, 60.17],
                [24.93, 60.18],
                [24.93, 60.17],
            ]
        ],
    }


def sliver():
    """A valid polygon one centimetre across."""
    return places.square(places.RAILWAY_STATION, half_side=0.0000001)


@pytest.mark.parametrize(
    "boundary, message",
    [
        (bowtie(), "not a valid geometry: Self-intersection"),
        (sliver(), "an area must enclose at least 1 m2"),
        (places.square(places.TAPIOLA_ESPOO), "outside every Helsinki area"),
        ({"type": "Point", "coordinates": [24.94, 60.17]}, "must be a Polygon"),
        ("not json", "is not valid JSON"),
    ],
    ids=["self-intersecting", "zero-size", "outside-helsinki", "a-point", "not-json"],
)
def test_a_bad_custom_area_boundary_is_a_400_with_a_message(
    client, planner, boundary, message
):
    client.force_login(planner)
    # Compared with before, not with zero: rows committed by live-server
    # fixtures of other modules may be in the shared session data.
    areas, audited = CustomArea.objects.count(), AuditLog.objects.count()
    response = client.post(
        CUSTOM_AREAS, {"name_fi": "Bad", "boundary": boundary}, "application/json"
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert CustomArea.objects.count() == areas
    assert AuditLog.objects.count() == audited


def test_a_custom_area_of_zero_size_is_refused_by_the_service(planner):
    with pytest.raises(ValidationError, match="0.00 m2"):
        custom_area_create(
            actor=planner, name_fi="Dot", boundary=parse_polygon(sliver())
        )


def test_every_custom_area_change_is_in_the_audit_log(client, planner, city_admin):
    area = draw(planner, places.RAILWAY_STATION, name="Before")
    custom_area_update(actor=planner, area=area, name_fi="After", is_public=True)
    area_id = area.id
    custom_area_delete(actor=city_admin, area=area)
    entries = AuditLog.objects.filter(
        object_type="districts.customarea", object_id=area_id
    ).order_by("id")
    assert [(e.actor.username, e.action, e.object_id) for e in entries] == [
        ("planner", "created", area_id),
        ("planner", "changed", area_id),
        ("cityadmin", "deleted", area_id),
    ]
    assert entries[1].changes == {"name_fi": "After", "is_public": True}
    client.force_login(city_admin)
    listed = client.get("/api/v1/audit-log/", {"object_type": "districts.customarea"})
    assert [
        row["action"] for row in listed.json()["results"] if row["object_id"] == area_id
    ] == ["deleted", "changed", "created"]


def test_only_admins_assign_coordinators(coordinator, resident, district):
    with pytest.raises(PermissionDenied):
        coordinator_assign(
            actor=coordinator, user=resident, area=district("major_district", "2")
        )


def test_an_api_client_signs_in_with_a_token(client, planner):
    token = client.post(
        "/api/v1/auth/token", {"username": "planner", "password": PASSWORD}
    ).json()["token"]
    assert token == Token.objects.get(user=planner).key
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["roles"] == ["resident", "planner"]
    created = client.post(
        CUSTOM_AREAS,
        {"name_fi": "Token area", "boundary": places.square(places.MALMI_AIRPORT)},
        "application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert created.status_code == 201, created.content
    assert CustomArea.objects.get().owner == planner


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/me",
        "/api/v1/cases/",
        "/ogc/collections/custom-areas/items",
        "/tiles/custom-areas.json",
        "/custom-areas/1/meetings.ics",
        "/areas/district/101/meetings.atom",
    ],
)
def test_a_bad_token_is_a_401_on_the_api_and_the_plain_views_alike(client, url):
    response = client.get(url, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    message = client.get("/api/v1/me", HTTP_AUTHORIZATION="Token not-a-token")
    if response["Content-Type"].startswith("application/json"):
        assert response.json() == message.json()
    else:  # feeds answer in HTML, as their other errors do
        assert message.json()["detail"] in response.content.decode()


def test_token_sign_in_is_throttled_after_repeated_failures(client, planner):
    statuses = [
        client.post(
            "/api/v1/auth/token", {"username": "planner", "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    # As on the web login, the fifth failure uses up the allowance.
    assert statuses == [400, 400, 400, 400, 429]
    blocked = client.post(
        "/api/v1/auth/token", {"username": "planner", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in blocked.json()["detail"]


def test_web_sign_in_is_throttled_after_repeated_failures(client):
    UserFactory(username="someone")
    statuses = [
        client.post(
            "/fi/accounts/login/", {"username": "someone", "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    # The fifth failure uses up the allowance.
    assert statuses == [200, 200, 200, 200, 429]
    page = client.post(
        "/fi/accounts/login/", {"username": "someone", "password": PASSWORD}
    )
    assert page.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_web_sign_in_needs_the_csrf_token(db):
    from django.test import Client

    UserFactory(username="staffer", is_staff=True)

    strict = Client(enforce_csrf_checks=True)
    refused = strict.post(
        "/fi/accounts/login/", {"username": "staffer", "password": PASSWORD}
    )
    assert refused.status_code == 403
    form = strict.get("/fi/accounts/login/")
    token = form.cookies["csrftoken"].value
    signed_in = strict.post(
        "/fi/accounts/login/",
        {"username": "staffer", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302


def across_the_border_of(district):
    """A GeoJSON square centred on a point of the border between the major
    districts Eteläinen (1) and Keskinen (3): half in each."""
    from geo import srid

    eteläinen = district("major_district", "1").boundary
    keskinen = district("major_district", "3").boundary
    point = eteläinen.intersection(keskinen).point_on_surface
    point.transform(srid.GEOJSON)
    return places.square(point, half_side=0.002)


def test_a_coordinators_public_area_across_their_border_is_refused(
    client, coordinator, district
):
    client.force_login(coordinator)
    json = "application/json"
    across = across_the_border_of(district)
    logged = AuditLog.objects.count()
    refused = client.post(
        CUSTOM_AREAS,
        {"name_fi": "Rajan yli", "boundary": across, "is_public": True},
        json,
    )
    assert refused.status_code == 403
    # "A public custom area must lie inside one of your areas"
    assert "kokonaan jonkin alueesi sisällä" in refused.json()["detail"]
    assert CustomArea.objects.count() == 0
    assert AuditLog.objects.count() == logged

    inside = client.post(
        CUSTOM_AREAS,
        {
            "name_fi": "Aseman ympäristö",
            "boundary": places.square(places.RAILWAY_STATION, 0.001),
            "is_public": True,
        },
        json,
    )
    assert inside.status_code == 201
    # Redrawing it across the border, or publishing a private area that
    # crosses it, is refused the same way.
    url = f"{CUSTOM_AREAS}{inside.json()['id']}/"
    redrawn = client.patch(url, {"boundary": across}, json)
    assert redrawn.status_code == 403
    assert "kokonaan jonkin alueesi sisällä" in redrawn.json()["detail"]
    private = client.post(CUSTOM_AREAS, {"name_fi": "Oma", "boundary": across}, json)
    assert private.status_code == 201  # a private area may touch the area
    published = client.patch(
        f"{CUSTOM_AREAS}{private.json()['id']}/", {"is_public": True}, json
    )
    assert published.status_code == 403
    assert not CustomArea.objects.get(pk=private.json()["id"]).is_public


def test_forums_and_drawing_share_the_inside_rule(coordinator, district, planner):
    across = CustomArea.objects.get(
        pk=draw(planner, places.RAILWAY_STATION, public=True).pk
    )
    assert permissions.coordinates(coordinator, across)
    boundary = parse_polygon(across_the_border_of(district))
    assert not permissions.inside_assigned(coordinator, boundary)
    assert not permissions.can_draw_custom_area(coordinator, boundary, public=True)
    assert permissions.can_draw_custom_area(coordinator, boundary)
    assert permissions.can_draw_custom_area(planner, boundary, public=True)
