"""Who may do what, and where: every permission rule of the service.

Roles:

- **resident**: any signed-in user. Follows areas and forums.
- **coordinator**: a user with ``AreaAssignment`` rows. Runs forums, meetings,
  agendas and minutes for the areas assigned and every area beneath them in
  the official hierarchy (a major district includes its districts and their
  sub-districts), and for custom areas lying inside those areas. Draws
  public custom areas inside the areas assigned (covered by one of them, as
  for forums), and private ones that touch them.
- **planner**: the ``planner`` group. City-wide for custom areas (draw, edit,
  delete public ones anywhere); does not run forums.
- **feedback handler**: the ``feedback_handler`` group. Re-routes and
  answers residents' feedback.
- **admin**: the ``admin`` group or a superuser. Everything, including
  private custom areas of others and the audit log.

Services call ``ensure(...)`` with one of the predicates below before
writing; views only require a signed-in user (401 otherwise) and never
decide permissions themselves. The full matrix is documented, and checked,
by ``tests/districts/test_roles_matrix.py``.
"""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied

from districts.models import CustomArea, District

PLANNERS = "planner"
ADMINS = "admin"
# City staff who route and answer residents' feedback.
FEEDBACK_HANDLERS = "feedback_handler"

# The project uses Django's own User model.
AnyUser: TypeAlias = User | AnonymousUser
AnyArea: TypeAlias = District | CustomArea


def ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def in_group(user: AnyUser, name: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=name).exists()


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser) or in_group(user, ADMINS)


def is_planner(user: AnyUser) -> bool:
    return in_group(user, PLANNERS)


def assigned_ids(user: AnyUser) -> tuple[set[int], set[int]]:
    """The ids of the official and the custom areas assigned to ``user``."""
    if not user.is_authenticated:
        return set(), set()
    districts: set[int] = set()
    custom: set[int] = set()
    for district_id, custom_id in user.area_assignments.values_list(
        "district_id", "custom_area_id"
    ):
        if district_id is not None:
            districts.add(district_id)
        else:
            custom.add(custom_id)
    return districts, custom


def is_coordinator(user: AnyUser) -> bool:
    return user.is_authenticated and user.area_assignments.exists()


def coordinates(user: AnyUser, area: AnyArea) -> bool:
    """Is ``area`` one of ``user``'s areas or beneath one of them?

    Official areas nest through ``parent`` (sub-district -> district -> major
    district); neighbourhoods have no parent and are reached only when
    assigned themselves. A custom area is beneath an official one when that
    boundary covers it.
    """
    districts, custom = assigned_ids(user)
    if not districts and not custom:
        return False
    if isinstance(area, District):
        chain = {area.pk} | {ancestor.pk for ancestor in area.ancestors()}
        return bool(chain & districts)
    return area.pk in custom or inside_assigned(user, area.boundary)


def inside_assigned(user: AnyUser, geometry: GEOSGeometry) -> bool:
    """Is ``geometry`` inside one of ``user``'s areas: covered by it
    (ST_Covers, so reaching the border from inside counts), not merely
    touching it? An assigned official area covers everything beneath it."""
    districts, custom = assigned_ids(user)
    return (
        District.objects.filter(pk__in=districts).containing(geometry).exists()
        or CustomArea.objects.filter(pk__in=custom).containing(geometry).exists()
    )


def can_run_forums_in(user: AnyUser, area: AnyArea) -> bool:
    """Create and edit forums, meetings, agendas and minutes for ``area``."""
    return is_admin(user) or coordinates(user, area)


def can_draw_custom_area(
    user: AnyUser, boundary: GEOSGeometry, *, public: bool = False
) -> bool:
    """Planners and admins anywhere; a coordinator a public area inside
    their areas (``inside_assigned``, the rule of forums' areas), a private
    one touching them."""
    if is_admin(user) or is_planner(user):
        return True
    if public:
        return inside_assigned(user, boundary)
    districts, custom = assigned_ids(user)
    return (
        District.objects.filter(pk__in=districts).intersecting(boundary).exists()
        or CustomArea.objects.filter(pk__in=custom).intersecting(boundary).exists()
    )


def can_edit_custom_area(user: AnyUser, area: CustomArea) -> bool:
    """Its owner and admins; planners and the coordinators of the area (or of
    an official area covering it) when it is public."""
    if is_admin(user) or (user.is_authenticated and area.owner_id == user.pk):
        return True
    return area.is_public and (is_planner(user) or coordinates(user, area))


def can_assign_coordinators(user: AnyUser) -> bool:
    return is_admin(user)


def can_read_audit_log(user: AnyUser) -> bool:
    return is_admin(user)


def can_use_coordinator_pages(user: AnyUser) -> bool:
    return is_admin(user) or is_coordinator(user)


def can_sign_in_with_password(user: AnyUser) -> bool:
    """Username and password are for city staff (Django staff, admins,
    planners, feedback handlers); residents, coordinators among them, sign
    in with strong identification (OpenID Connect)."""
    return (
        bool(user.is_authenticated and user.is_staff)
        or is_admin(user)
        or is_planner(user)
        or in_group(user, FEEDBACK_HANDLERS)
    )


def can_file_cases(user: AnyUser) -> bool:
    """Cases are the city's own: staff (planners and admins) file them."""
    return is_planner(user) or is_admin(user)


def can_submit_proposals(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


def can_give_feedback(user: AnyUser) -> bool:
    """Any signed-in resident; client apps post with an Open311 key."""
    return bool(user.is_authenticated)


def can_handle_feedback(user: AnyUser) -> bool:
    """Re-route feedback and reply to it: feedback handlers and admins."""
    return is_admin(user) or in_group(user, FEEDBACK_HANDLERS)


def can_handle_initiatives(user: AnyUser) -> bool:
    """Register an initiative's handling and answer, merge duplicates: city
    staff (planners and admins), as for cases."""
    return is_planner(user) or is_admin(user)
