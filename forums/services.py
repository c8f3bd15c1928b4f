"""Writes for forums, meetings, agendas, minutes and follows. Each checks
``districts.permissions`` first and records itself in the audit log."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import BudgetProposal, Case, Facility
from districts.audit import apply_changes, audit_record
from districts.models import AuditLog, CustomArea, District
from districts.permissions import (
    AnyArea,
    AnyUser,
    can_run_forums_in,
    ensure,
)
from districts.selectors import custom_areas_visible_to
from forums.models import (
    AgendaItem,
    DashboardVisit,
    Follow,
    Follower,
    Forum,
    Meeting,
    Minutes,
)

FORUM_FIELDS = {"title", "description", "venue_facility", "venue_address"}
MEETING_FIELDS = {
    "title",
    "starts_at",
    "ends_at",
    "venue_facility",
    "venue_address",
    "venue_location",
    "online_url",
    "languages",
    "accessibility_notes",
}


def area_label(area: AnyArea) -> str:
    if isinstance(area, District):
        return f"{area.name_fi} ({area.get_level_display()} {area.code})"
    return f"{area.name_fi} (custom area {area.pk})"


def area_covers(area: AnyArea, location: GEOSGeometry) -> bool:
    # covers, not contains: a venue on the area's border is in the area.
    areas = type(area).objects.filter(pk=area.pk)
    return areas.containing(location).exists()


def check_venue(
    area: AnyArea,
    *,
    facility: Facility | None,
    location: Point | None,
    field: str = "venue",
) -> None:
    """A venue with a known place must lie in the forum's area."""
    places: list[tuple[GEOSGeometry, str]] = []
    if facility is not None and facility.location is not None:
        places.append((facility.location, f"'{facility.name_fi}'"))
    if location is not None:
        places.append((location, "The venue location"))
    for place, name in places:
        if not area_covers(area, place):
            raise ValidationError(
                {field: f"{name} lies outside the forum's area {area_label(area)}."}
            )


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {
                "ends_at": f"The meeting must end after it starts: it starts at "
                f"{starts_at.isoformat()} and ends at {ends_at.isoformat()}."
            }
        )


def check_fields(fields: Iterable[str], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")


def ensure_runs(actor: AnyUser, area: AnyArea) -> None:
    ensure(
        can_run_forums_in(actor, area),
        f"Only coordinators of {area_label(area)} (or of an area containing it) "
        "and admins run its forums.",
    )


@transaction.atomic
def forum_create(
    *,
    actor: AnyUser,
    area: AnyArea,
    title: str,
    description: str = "",
    venue_facility: Facility | None = None,
    venue_address: str = "",
) -> Forum:
    ensure_runs(actor, area)
    assert isinstance(actor, User)  # ensure_runs refuses anonymous callers
    check_venue(area, facility=venue_facility, location=None, field="venue_facility")
    forum = Forum(
        district=area if isinstance(area, District) else None,
        custom_area=area if isinstance(area, CustomArea) else None,
        title=title,
        description=description,
        venue_facility=venue_facility,
        venue_address=venue_address,
        created_by=actor,
    )
    forum.full_clean()
    forum.save()
    audit_record(actor=actor, action=AuditLog.Action.CREATED, instance=forum)
    return forum


@transaction.atomic
def forum_update(*, actor: AnyUser, forum: Forum, **fields: Any) -> Forum:
    ensure_runs(actor, forum.area)
    check_fields(fields, FORUM_FIELDS)
    if "venue_facility" in fields:
        check_venue(
            forum.area,
            facility=fields["venue_facility"],
            location=None,
            field="venue_facility",
        )
    changes = apply_changes(forum, fields)
    forum.full_clean()
    forum.save()
    if changes:
        audit_record(
            actor=actor, action=AuditLog.Action.CHANGED, instance=forum, changes=changes
        )
    return forum


@transaction.atomic
def forum_delete(*, actor: AnyUser, forum: Forum) -> None:
    ensure_runs(actor, forum.area)
    audit_record(actor=actor, action=AuditLog.Action.DELETED, instance=forum)
    forum.delete()


@transaction.atomic
def meeting_create(
    *,
    actor: AnyUser,
    forum: Forum,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    venue_facility: Facility | None = None,
    venue_address: str = "",
    venue_location: Point | None = None,
    online_url: str = "",
    languages: Iterable[str] = (),
    accessibility_notes: str = "",
) -> Meeting:
    ensure_runs(actor, forum.area)
    assert isinstance(actor, User)
    check_times(starts_at, ends_at)
    check_venue(forum.area, facility=venue_facility, location=venue_location)
    meeting = Meeting(
        forum=forum,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_facility=venue_facility,
        venue_address=venue_address,
        venue_location=venue_location,
        online_url=online_url,
        languages=list(languages),
        accessibility_notes=accessibility_notes,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action=AuditLog.Action.CREATED, instance=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor: AnyUser, meeting: Meeting, **fields: Any) -> Meeting:
    ensure_runs(actor, meeting.forum.area)
    check_fields(fields, MEETING_FIELDS)
    check_times(
        fields.get("starts_at", meeting.starts_at),
        fields.get("ends_at", meeting.ends_at),
    )
    check_venue(
        meeting.forum.area,
        facility=fields.get("venue_facility"),
        location=fields.get("venue_location"),
    )
    changes = apply_changes(meeting, fields)
    return meeting_save_changes(actor=actor, meeting=meeting, changes=changes)


def meeting_save_changes(
    *, actor: AnyUser, meeting: Meeting, changes: dict[str, Any]
) -> Meeting:
    meeting.full_clean()
    meeting.save()
    if changes:
        audit_record(
            actor=actor,
            action=AuditLog.Action.CHANGED,
            instance=meeting,
            changes=changes,
        )
    return meeting


@transaction.atomic
def meeting_attendance_record(
    *, actor: AnyUser, meeting: Meeting, attendance: int, at: datetime
) -> Meeting:
    """Record how many people came to ``meeting``; only once it has begun."""
    ensure_runs(actor, meeting.forum.area)
    if not meeting.has_started(at):
        raise ValidationError(
            {"attendance": _("Attendance is recorded once the meeting has begun.")}
        )
    changes = apply_changes(meeting, {"attendance": attendance})
    return meeting_save_changes(actor=actor, meeting=meeting, changes=changes)


@transaction.atomic
def meeting_delete(*, actor: AnyUser, meeting: Meeting) -> None:
    ensure_runs(actor, meeting.forum.area)
    audit_record(actor=actor, action=AuditLog.Action.DELETED, instance=meeting)
    meeting.delete()


def subject_in_area(subject: Case | BudgetProposal, area: AnyArea) -> bool:
    """Is the case or proposal in ``area``: linked to it (official areas) or
    touching it (custom areas)? A proposal without a point is in the major
    district whose budget it competes for."""
    items = type(subject).objects.filter(pk=subject.pk)
    if isinstance(area, CustomArea):
        return items.in_custom_area(area.pk).exists()
    if isinstance(subject, BudgetProposal) and subject.district_id == area.pk:
        return True
    return items.in_area(area.pk).exists()


@transaction.atomic
def agenda_item_add(
    *,
    actor: AnyUser,
    meeting: Meeting,
    case: Case | None = None,
    proposal: BudgetProposal | None = None,
    notes: str = "",
) -> AgendaItem:
    area = meeting.forum.area
    ensure_runs(actor, area)
    if (case is None) == (proposal is None):
        raise ValidationError("An agenda item is either a case or a budget proposal.")
    subject: Case | BudgetProposal = case or proposal  # type: ignore[assignment]
    if not subject_in_area(subject, area):
        kind = "case" if case is not None else "budget proposal"
        raise ValidationError(
            {
                kind: f"The {kind} {subject.pk} is not in the forum's area "
                f"{area_label(area)}."
            }
        )
    # Concurrent additions would read the same last position and one would
    # fail on the (meeting, position) constraint: the meeting row's lock
    # makes them take turns.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting, position=last + 1, case=case, proposal=proposal, notes=notes
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=AuditLog.Action.CHANGED,
        instance=meeting,
        changes={"agenda": f"added {item}"},
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor: AnyUser, item: AgendaItem) -> None:
    meeting = item.meeting
    ensure_runs(actor, meeting.forum.area)
    audit_record(
        actor=actor,
        action=AuditLog.Action.CHANGED,
        instance=meeting,
        changes={"agenda": f"removed {item}"},
    )
    item.delete()


@transaction.atomic
def minutes_publish(*, actor: AnyUser, meeting: Meeting, body: str) -> Minutes:
    ensure_runs(actor, meeting.forum.area)
    assert isinstance(actor, User)
    if not body.strip():
        raise ValidationError({"body": "The minutes are empty."})
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            {"body": "The minutes of a meeting are published once it has started."}
        )
    minutes, created = Minutes.objects.update_or_create(
        meeting=meeting, defaults={"body": body, "published_by": actor}
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATED if created else AuditLog.Action.CHANGED,
        instance=minutes,
    )
    return minutes


@transaction.atomic
def follow_create(
    *,
    user: AnyUser,
    district: District | None = None,
    custom_area: CustomArea | None = None,
    forum: Forum | None = None,
    language: str = "",
) -> Follow:
    """Follow one area or forum; ``language`` (the page's) is what the
    resident's digests are written in."""
    ensure(user.is_authenticated, "Sign in to follow areas and forums.")
    assert isinstance(user, User)
    if sum(target is not None for target in (district, custom_area, forum)) != 1:
        raise ValidationError("Follow exactly one area or forum.")
    visible = custom_areas_visible_to(user)
    if custom_area is not None and not visible.filter(pk=custom_area.pk).exists():
        raise ValidationError({"custom_area": "No such custom area."})
    follow, _ = Follow.objects.get_or_create(
        user=user, district=district, custom_area=custom_area, forum=forum
    )
    follower, _ = Follower.objects.get_or_create(user=user)
    if language and language != follower.language:
        follower.language = language
        follower.save(update_fields=["language"])
    return follow


@transaction.atomic
def follow_delete(*, user: AnyUser, follow: Follow) -> None:
    ensure(follow.user_id == user.pk, "That is someone else's follow.")
    follow.delete()


def follows_mark_seen(*, user: User, at: datetime) -> Follower:
    """What is new in the user's follows up to ``at`` has been seen."""
    follower, _ = Follower.objects.update_or_create(user=user, defaults={"seen_at": at})
    return follower


def digests_switch(*, user: User, on: bool) -> Follower:
    follower, _ = Follower.objects.update_or_create(user=user, defaults={"digests": on})
    return follower


def dashboard_visit(*, user: User, at: datetime) -> datetime | None:
    """Record a visit at ``at``; return the previous one (None the first time)."""
    visit, created = DashboardVisit.objects.get_or_create(
        user=user, defaults={"seen_at": at}
    )
    if created:
        return None
    previous = visit.seen_at
    visit.seen_at = at
    visit.save(update_fields=["seen_at"])
    return previous
