"""Writing, publishing, supporting, handling and merging initiatives.

Every write is one transaction that validates before it stores (a 400
with a message and nothing written), checks the actor through
``districts.permissions`` and records staff actions in the audit log.
"""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.services.links import areas_link
from cases.services.locations import checked_location
from districts.audit import audit_record
from districts.identity import Identity, is_strong
from districts.models import AuditLog, District
from districts.permissions import AnyUser, can_handle_initiatives, ensure
from districts.selectors import custom_area_by_id
from initiatives.models import Initiative, Support

Status = Initiative.Status
HELSINKI = "091"  # Statistics Finland's municipality code

# Who moves an initiative along: the author publishes and submits it;
# staff register its handling, answer and close it.
AUTHOR_STEPS = {
    Status.DRAFT: {Status.PUBLISHED, Status.GATHERING},
    Status.PUBLISHED: {Status.GATHERING, Status.SUBMITTED},
    Status.GATHERING: {Status.SUBMITTED},
}
STAFF_STEPS = {
    Status.PUBLISHED: {Status.SUBMITTED, Status.CLOSED},
    Status.GATHERING: {Status.SUBMITTED, Status.CLOSED},
    Status.SUBMITTED: {Status.IN_HANDLING, Status.ANSWERED, Status.CLOSED},
    Status.IN_HANDLING: {Status.ANSWERED, Status.CLOSED},
    Status.ANSWERED: {Status.CLOSED},
}


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValidationError({name: "Expected text."})
    return value.strip()


def _located(*, author: AnyUser, location: Any, custom_area: Any) -> tuple[Any, Any]:
    """The point given, or the boundary of the drawn area given (one that
    the author may see), or neither."""
    if location is not None and custom_area is not None:
        raise ValidationError({"location": "Give a point or a drawn area, not both."})
    if custom_area is None:
        return checked_location(location, points_only=True), None
    area = custom_area_by_id(custom_area, viewer=author)
    boundary = type(area).objects.values_list("boundary", flat=True).get(pk=area.pk)
    return boundary, area


@transaction.atomic
def initiative_create(
    *,
    author: AnyUser,
    title: Any,
    text: Any,
    topic: Any,
    language: Any = Initiative.Language.FI,
    location: Any = None,
    custom_area: Any = None,
    is_youth: bool = False,
    is_demo: bool = False,
) -> Initiative:
    """A draft initiative by ``author``; nobody else sees it until it is
    published."""
    ensure(author.is_authenticated, "Sign in to write an initiative.")
    geometry, area = _located(author=author, location=location, custom_area=custom_area)
    initiative = Initiative(
        author=author,  # type: ignore[misc]
        title=_text(title, "title"),
        text=_text(text, "text"),
        topic=topic,
        language=language,
        location=geometry,
        custom_area=area,
        is_youth=bool(is_youth),
        is_demo=bool(is_demo),
    )
    initiative.full_clean()
    initiative.save()
    areas_link(Initiative, [initiative.pk])
    return initiative


def _locked(initiative: Initiative | int) -> Initiative:
    pk = initiative.pk if isinstance(initiative, Initiative) else initiative
    return Initiative.objects.select_for_update().get(pk=pk)


def _step(initiative: Initiative, actor: AnyUser, target: str) -> None:
    current = Status(initiative.status)
    by_author = actor.is_authenticated and initiative.author_id == actor.pk
    allowed = (AUTHOR_STEPS.get(current, set()) if by_author else set()) | (
        STAFF_STEPS.get(current, set()) if can_handle_initiatives(actor) else set()
    )
    if target in allowed:
        return
    if not by_author and not can_handle_initiatives(actor):
        ensure(False, "Only the author or city staff may do this.")
    wanted = Status(target).label
    raise ValidationError(
        {"status": f"A {current.label} initiative cannot become {wanted}."}
    )


@transaction.atomic
def initiative_publish(
    *, actor: AnyUser, initiative: Initiative | int, gather_support: bool = True
) -> Initiative:
    """Publish a draft; by default it gathers support at once."""
    initiative = _locked(initiative)
    target = Status.GATHERING if gather_support else Status.PUBLISHED
    _step(initiative, actor, target)
    initiative.status = target
    initiative.published_at = initiative.published_at or timezone.now()
    initiative.save(update_fields=["status", "published_at", "updated_at"])
    return initiative


@transaction.atomic
def initiative_submit(*, actor: AnyUser, initiative: Initiative | int) -> Initiative:
    """Submit to the city: support is closed from now on."""
    initiative = _locked(initiative)
    _step(initiative, actor, Status.SUBMITTED)
    initiative.status = Status.SUBMITTED
    initiative.submitted_at = timezone.now()
    initiative.save(update_fields=["status", "submitted_at", "updated_at"])
    _audit(actor, initiative, {"status": initiative.status})
    return initiative


@transaction.atomic
def initiative_handle(
    *,
    actor: AnyUser,
    initiative: Initiative | int,
    board: Any = "",
    ahjo_case_id: Any = "",
) -> Initiative:
    """Staff register which board handles it (empty: the council) and the
    Ahjo case, when there is one."""
    ensure(can_handle_initiatives(actor), "Only city staff handle initiatives.")
    initiative = _locked(initiative)
    _step(initiative, actor, Status.IN_HANDLING)
    initiative.status = Status.IN_HANDLING
    initiative.board = _text(board, "board")
    initiative.ahjo_case_id = _text(ahjo_case_id, "ahjo_case_id")
    initiative.full_clean()
    initiative.save()
    _audit(
        actor,
        initiative,
        {
            "status": initiative.status,
            "board": initiative.board,
            "ahjo_case_id": initiative.ahjo_case_id,
        },
    )
    return initiative


@transaction.atomic
def initiative_answer(
    *, actor: AnyUser, initiative: Initiative | int, answer: Any, actions: Any = ""
) -> Initiative:
    """The city's answer and what was done about it."""
    ensure(can_handle_initiatives(actor), "Only city staff answer initiatives.")
    initiative = _locked(initiative)
    _step(initiative, actor, Status.ANSWERED)
    answer = _text(answer, "answer")
    if not answer:
        raise ValidationError({"answer": "The answer is empty."})
    initiative.status = Status.ANSWERED
    initiative.answer = answer
    initiative.actions = _text(actions, "actions")
    initiative.answered_at = timezone.now()
    initiative.full_clean()
    initiative.save()
    _audit(actor, initiative, {"status": initiative.status, "answer": answer})
    return initiative


@transaction.atomic
def initiative_close(*, actor: AnyUser, initiative: Initiative | int) -> Initiative:
    ensure(can_handle_initiatives(actor), "Only city staff close initiatives.")
    initiative = _locked(initiative)
    _step(initiative, actor, Status.CLOSED)
    initiative.status = Status.CLOSED
    initiative.save(update_fields=["status", "updated_at"])
    _audit(actor, initiative, {"status": initiative.status})
    return initiative


def _audit(actor: AnyUser, initiative: Initiative, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=AuditLog.Action.CHANGED,
        instance=initiative,
        changes=changes,
    )


# --- Support -------------------------------------------------------------


def supporter_digest(identity: Identity) -> str:
    """A keyed digest of who the identity service says the person is: the
    same person always gives the same digest, and without VOTER_DIGEST_KEY
    a list of digests cannot be traced back to anyone."""
    key = settings.VOTER_DIGEST_KEY.encode()
    message = f"initiative-support:{identity['issuer']}:{identity['subject']}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _strong(identity: Identity | None) -> Identity:
    ensure(identity is not None, "Sign in with strong identification to support.")
    assert identity is not None
    ensure(
        is_strong(identity),
        "Supporting needs strong identification (bank credentials or a mobile "
        "certificate); your sign-in was not strong.",
    )
    return identity


def _status_for_support(initiative_id: int) -> str:
    """The initiative's status, read under a share lock: a submission
    (which updates the row) waits for supports in flight, and a support
    arriving after it sees the new status."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status FROM {Initiative._meta.db_table} WHERE id = %s FOR SHARE",
            [initiative_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Initiative.DoesNotExist("No such initiative.")
    return str(row[0])


@transaction.atomic
def support_give(
    *, initiative: Initiative | int, identity: Identity | None
) -> tuple[Support, bool]:
    """Support ``initiative`` once; a second support by the same person
    (even one racing the first) leaves the first. Returns the support and
    whether it is new."""
    identity = _strong(identity)
    pk = initiative.pk if isinstance(initiative, Initiative) else initiative
    if _status_for_support(pk) != Status.GATHERING:
        raise ValidationError(
            {"initiative": "This initiative is not gathering support now."}
        )
    digest = supporter_digest(identity)
    home = (
        District.objects.at_level(District.Level.MAJOR_DISTRICT)
        .filter(code=identity["home_major_district"])
        .first()
        if identity["home_major_district"]
        else None
    )
    try:
        with transaction.atomic():
            support = Support.objects.create(
                initiative_id=pk,
                digest=digest,
                is_resident=identity["municipality"] == HELSINKI,
                home_district=home,
            )
        return support, True
    except IntegrityError:
        return Support.objects.get(initiative_id=pk, digest=digest), False


@transaction.atomic
def support_withdraw(
    *, initiative: Initiative | int, identity: Identity | None
) -> None:
    """Take one's support back, as long as the initiative is not submitted."""
    identity = _strong(identity)
    pk = initiative.pk if isinstance(initiative, Initiative) else initiative
    if _status_for_support(pk) not in (Status.PUBLISHED, Status.GATHERING):
        raise ValidationError(
            {"initiative": "Support cannot be withdrawn once it is submitted."}
        )
    deleted, _ = Support.objects.filter(
        initiative_id=pk, digest=supporter_digest(identity)
    ).delete()
    if not deleted:
        raise ValidationError({"initiative": "You have not supported this initiative."})


# --- Duplicates ------------------------------------------------------------

_MOVE_SUPPORTS_SQL = """
WITH moved AS (
    INSERT INTO {support}
        (initiative_id, digest, is_resident, home_district_id, created_at)
    SELECT %(into)s, digest, is_resident, home_district_id, created_at
    FROM {support} WHERE initiative_id = %(duplicate)s
    ON CONFLICT (initiative_id, digest) DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM moved
"""


@transaction.atomic
def initiative_merge(
    *, actor: AnyUser, duplicate: Initiative | int, into: Initiative | int
) -> Initiative:
    """Mark ``duplicate`` as the same initiative as ``into`` and merge it:
    its supports carry over, once per person (someone who supported both
    counts once), and it is closed. Audited on both."""
    ensure(can_handle_initiatives(actor), "Only city staff merge initiatives.")
    ids = [i.pk if isinstance(i, Initiative) else int(i) for i in (duplicate, into)]
    if ids[0] == ids[1]:
        raise ValidationError({"into": "An initiative cannot be merged into itself."})
    # Locked in id order, so two merges of the same pair cannot deadlock.
    locked = {
        i.pk: i
        for i in Initiative.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
    }
    if len(locked) != 2:
        raise Initiative.DoesNotExist("No such initiative.")
    dup, target = locked[ids[0]], locked[ids[1]]
    for name, item in (("duplicate", dup), ("into", target)):
        if item.status == Status.DRAFT or item.duplicate_of_id is not None:
            raise ValidationError(
                {name: f"Initiative {item.pk} is a draft or already merged."}
            )
    if target.status == Status.CLOSED:
        raise ValidationError({"into": "A closed initiative takes no more support."})
    table = Support._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            _MOVE_SUPPORTS_SQL.format(support=table),
            {"into": target.pk, "duplicate": dup.pk},
        )
        moved = cursor.fetchone()[0]
    had = Support.objects.filter(initiative=dup).count()
    Support.objects.filter(initiative=dup).delete()
    dup.status = Status.CLOSED
    dup.duplicate_of = target
    dup.save(update_fields=["status", "duplicate_of", "updated_at"])
    changes = {"merged_into": target.pk, "supports": had, "supports_moved": moved}
    _audit(actor, dup, {"status": dup.status, **changes})
    _audit(actor, target, {"merged_from": dup.pk, "supports_moved": moved})
    return target
