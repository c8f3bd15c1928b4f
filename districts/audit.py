"""The audit log: who created, changed or deleted what. Every write service
and the admin record through these, in their own transaction."""

from typing import Any

from django.contrib.auth.models import User
from django.db import models

from districts.models import AuditLog
from districts.permissions import AnyUser


def audit_record(
    *,
    actor: AnyUser | None,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes or {},
    )


def audit_value(value: Any) -> Any:
    """A changed value as the audit log records it: JSON values as they
    are, model instances by id, anything else as text."""
    if value is None or isinstance(value, str | int | bool | list):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def apply_changes(instance: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    """Set ``fields`` on ``instance``; return those that changed, as the
    audit log records them."""
    changes = {}
    for name, value in fields.items():
        if getattr(instance, name) != value:
            changes[name] = audit_value(value)
            setattr(instance, name, value)
    return changes
