"""Writes to areas, assignments and the audit log; each checks permissions
through ``districts.permissions`` first."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext

from districts import permissions
from districts.audit import apply_changes, audit_record
from districts.models import AreaAssignment, AuditLog, CustomArea, District
from districts.permissions import AnyArea, AnyUser, ensure
from geo.srid import to_storage

# Smaller than this (in m2) is a slip of the mouse, not an area.
MIN_CUSTOM_AREA_M2 = 1.0

CUSTOM_AREA_FIELDS = ("name_fi", "name_sv", "name_en", "description", "is_public")


def check_custom_boundary(boundary: MultiPolygon) -> None:
    """A drawn area must have an area and touch Helsinki."""
    if not boundary.valid:
        raise ValidationError(
            {"boundary": f"The boundary is not valid: {boundary.valid_reason}."}
        )
    metric = boundary.transform(to_storage(boundary.srid), clone=True)
    if metric.area < MIN_CUSTOM_AREA_M2:
        raise ValidationError(
            {
                "boundary": f"The boundary encloses {metric.area:.2f} m2; an area "
                f"must enclose at least {MIN_CUSTOM_AREA_M2:g} m2."
            }
        )
    if not District.objects.intersecting(boundary).exists():
        raise ValidationError(
            {"boundary": "The boundary lies outside every Helsinki area."}
        )


def ensure_public_inside(actor: AnyUser, boundary: MultiPolygon) -> None:
    ensure(
        permissions.can_draw_custom_area(actor, boundary, public=True),
        gettext(
            "A public custom area must lie inside one of your areas; this one "
            "crosses its border. Draw it inside the area, or keep it private."
        ),
    )


@transaction.atomic
def custom_area_create(
    *,
    actor: AnyUser,
    name_fi: str,
    boundary: MultiPolygon,
    name_sv: str = "",
    name_en: str = "",
    description: str = "",
    is_public: bool = False,
) -> CustomArea:
    check_custom_boundary(boundary)
    ensure(
        permissions.can_draw_custom_area(actor, boundary),
        "Only planners, and coordinators within their own areas, draw custom areas.",
    )
    if is_public:
        ensure_public_inside(actor, boundary)
    assert isinstance(actor, User)  # can_draw_custom_area refuses anonymous
    area = CustomArea(
        name_fi=name_fi,
        name_sv=name_sv,
        name_en=name_en,
        description=description,
        is_public=is_public,
        boundary=boundary,
        owner=actor,
    )
    area.full_clean()
    area.save()
    audit_record(actor=actor, action=AuditLog.Action.CREATED, instance=area)
    return area


@transaction.atomic
def custom_area_update(
    *,
    actor: AnyUser,
    area: CustomArea,
    boundary: MultiPolygon | None = None,
    **fields: Any,
) -> CustomArea:
    ensure(
        permissions.can_edit_custom_area(actor, area),
        "Only the owner, its coordinators, planners and admins edit this area.",
    )
    unknown = set(fields) - set(CUSTOM_AREA_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    changes = apply_changes(area, fields)
    if boundary is not None:
        check_custom_boundary(boundary)
        ensure(
            permissions.can_draw_custom_area(actor, boundary),
            "The new boundary lies outside your areas.",
        )
        area.boundary = boundary
        changes["boundary"] = "redrawn"
    if area.is_public and ("boundary" in changes or "is_public" in changes):
        ensure_public_inside(actor, area.boundary)
    area.full_clean()
    area.save()
    if changes:
        audit_record(
            actor=actor, action=AuditLog.Action.CHANGED, instance=area, changes=changes
        )
    return area


@transaction.atomic
def custom_area_delete(*, actor: AnyUser, area: CustomArea) -> None:
    ensure(
        permissions.can_edit_custom_area(actor, area),
        "Only the owner, its coordinators, planners and admins delete this area.",
    )
    audit_record(actor=actor, action=AuditLog.Action.DELETED, instance=area)
    try:
        with transaction.atomic():
            area.delete()
    except models.ProtectedError as error:
        protected = error.protected_objects
        used_by = ", ".join(sorted({str(o._meta.verbose_name) for o in protected}))
        raise ValidationError(
            f"The area is still used by {len(protected)} {used_by}; move or "
            "delete them first."
        ) from None


@transaction.atomic
def coordinator_assign(*, actor: AnyUser, user: User, area: AnyArea) -> AreaAssignment:
    ensure(
        permissions.can_assign_coordinators(actor),
        "Only admins assign coordinators.",
    )
    assignment, created = AreaAssignment.objects.get_or_create(
        user=user,
        role=AreaAssignment.Role.COORDINATOR,
        district=area if isinstance(area, District) else None,
        custom_area=area if isinstance(area, CustomArea) else None,
    )
    if created:
        audit_record(actor=actor, action=AuditLog.Action.CREATED, instance=assignment)
    return assignment


@transaction.atomic
def coordinator_unassign(*, actor: AnyUser, assignment: AreaAssignment) -> None:
    ensure(
        permissions.can_assign_coordinators(actor),
        "Only admins remove coordinators.",
    )
    audit_record(actor=actor, action=AuditLog.Action.DELETED, instance=assignment)
    assignment.delete()
