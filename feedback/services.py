"""Giving, routing and answering feedback. Every write is one transaction:
a piece of feedback is stored with its route, links and contact details,
or not at all."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.models import Facility
from cases.services.links import areas_link
from districts.audit import audit_record
from districts.models import AuditLog
from districts.permissions import AnyUser, can_handle_feedback, ensure
from feedback.models import (
    ApiKey,
    ContactDetails,
    Feedback,
    Service,
    ServiceAttribute,
    StatusNote,
    Unit,
)
from feedback.routing import areas_at, route

MAX_DESCRIPTION = 5000
MAX_TITLE = 200


@dataclass(frozen=True)
class Contact:
    """A giver's contact details, as given: stored apart, never public."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""

    def __bool__(self) -> bool:
        return any((self.email, self.first_name, self.last_name, self.phone))


def _check_contact(contact: Contact) -> None:
    if contact.email:
        try:
            EmailValidator()(contact.email)
        except ValidationError:
            raise ValidationError({"email": "Not an e-mail address."}) from None
    for name, limit in (("first_name", 100), ("last_name", 100), ("phone", 40)):
        if len(getattr(contact, name)) > limit:
            raise ValidationError({name: f"At most {limit} characters."})


def _answers(service: Service, given: dict[str, Any]) -> dict[str, Any]:
    """The answers to the service's questions, checked against its
    definition."""
    questions = {a.code: a for a in service.attributes.all()}
    unknown = sorted(set(given) - set(questions))
    if unknown:
        raise ValidationError(
            {
                "attribute": f"Service {service.code} asks no "
                f"{', '.join(unknown)[:80]}; it asks: "
                f"{', '.join(questions) or 'nothing'}."
            }
        )
    answers: dict[str, Any] = {}
    for code, question in questions.items():
        value = given.get(code)
        if value in (None, "", []):
            if question.required:
                raise ValidationError(
                    {f"attribute[{code}]": f"Required: {question.description}"}
                )
            continue
        answers[code] = _answer(question, value)
    return answers


def _answer(question: ServiceAttribute, value: Any) -> Any:
    name = f"attribute[{question.code}]"
    datatype = ServiceAttribute.Datatype
    if question.datatype == datatype.MULTI:
        values = value if isinstance(value, list) else [value]
        wrong = [str(v) for v in values if str(v) not in question.value_keys()]
        if wrong:
            raise ValidationError({name: f"Not among the choices: {wrong[0][:40]!r}."})
        return [str(v) for v in values]
    if isinstance(value, list):
        raise ValidationError({name: "One value only."})
    text = str(value).strip()
    if question.datatype == datatype.SINGLE and text not in question.value_keys():
        raise ValidationError({name: f"Not among the choices: {text[:40]!r}."})
    if question.datatype == datatype.NUMBER:
        try:
            Decimal(text)
        except InvalidOperation:
            raise ValidationError({name: f"Not a number: {text[:40]!r}."}) from None
    if question.datatype == datatype.DATETIME and parse_datetime(text) is None:
        raise ValidationError({name: f"Not a date and time: {text[:40]!r}."})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({name: f"At most {MAX_DESCRIPTION} characters."})
    return text


def new_request_id() -> str:
    # As long as the City's own ids (20 characters) and unguessable.
    return secrets.token_hex(10)


@transaction.atomic
def feedback_create(
    *,
    service_code: str,
    description: str,
    title: str = "",
    location: GEOSGeometry | None = None,
    facility_id: int | None = None,
    address: str = "",
    media_url: str = "",
    attributes: dict[str, Any] | None = None,
    contact: Contact | None = None,
    user: AnyUser | None = None,
    api_key: ApiKey | None = None,
) -> Feedback:
    service = Service.objects.filter(code=service_code, accepts_new=True).first()
    if service is None:
        raise ValidationError(
            {"service_code": f"No service {service_code[:20]!r} takes feedback."}
        )
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Say what the feedback is about."})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": f"At most {MAX_DESCRIPTION} characters."})
    title = title.strip()
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"At most {MAX_TITLE} characters."})
    facility = None
    if facility_id is not None:
        facility = Facility.objects.filter(pk=facility_id).first()
        if facility is None:
            raise ValidationError({"service_object_id": "No such facility."})
        location = location or facility.location
    if service.needs_location:
        if location is None:
            raise ValidationError(
                {
                    "lat": f"Service {service.code} needs a point (lat/long) or a "
                    "facility."
                }
            )
        if not areas_at(location):
            raise ValidationError(
                {
                    "lat": "The point is outside Helsinki; the City handles "
                    "feedback about Helsinki only."
                }
            )
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError({"media_url": "Not a web address."}) from None
    contact = contact or Contact()
    _check_contact(contact)
    answers = _answers(service, attributes or {})
    routed = route(service=service, location=location, facility=facility)
    now = timezone.now()
    feedback = Feedback(
        service_request_id=new_request_id(),
        service=service,
        title=title,
        description=description,
        location=location,
        facility=facility,
        address=address.strip()[:200],
        media_url=media_url,
        attributes=answers,
        unit=routed.unit,
        routed_by=routed.routed_by,
        origin=Feedback.Origin.PIIRI,
        api_key=api_key,
        requested_at=now,
        updated_at=now,
    )
    feedback.full_clean()
    feedback.save()
    areas_link(Feedback, [feedback.pk])
    signed_in = user if isinstance(user, User) else None
    if contact or signed_in:
        ContactDetails.objects.create(
            feedback=feedback,
            user=signed_in,
            email=contact.email,
            first_name=contact.first_name,
            last_name=contact.last_name,
            phone=contact.phone,
        )
    return feedback


@transaction.atomic
def feedback_reroute(
    *, actor: AnyUser, feedback: Feedback, unit: Unit, reason: str = ""
) -> Feedback:
    ensure(can_handle_feedback(actor), "Only feedback handlers re-route feedback.")
    previous = feedback.unit
    if previous == unit:
        return feedback
    feedback.unit = unit
    feedback.routed_by = Feedback.RoutedBy.STAFF
    feedback.updated_at = timezone.now()
    feedback.save(update_fields=["unit", "routed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditLog.Action.CHANGED,
        instance=feedback,
        changes={
            "unit": unit.name,
            "previous_unit": previous.name if previous else None,
            "reason": reason,
        },
    )
    return feedback


@transaction.atomic
def feedback_reply(
    *,
    actor: AnyUser,
    feedback: Feedback,
    text: str,
    status: str | None = None,
    detailed_status: str | None = None,
) -> StatusNote:
    """The responsible unit's reply, and the status it leaves the feedback
    in. Signed by the unit, as the City signs its replies."""
    ensure(can_handle_feedback(actor), "Only feedback handlers reply to feedback.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "The reply is empty."})
    now = timezone.now()
    note = StatusNote.objects.create(
        feedback=feedback,
        text=text,
        author=str(feedback.unit or ""),
        created_at=now,
    )
    changes: dict[str, Any] = {"reply": note.pk}
    if status is not None:
        if status not in Feedback.Status.values:
            raise ValidationError({"status": f"Unknown status {status[:20]!r}."})
        changes["status"] = feedback.status = status
    if detailed_status is not None:
        changes["detailed_status"] = feedback.detailed_status = detailed_status
    feedback.updated_at = now
    feedback.save(update_fields=["status", "detailed_status", "updated_at"])
    audit_record(
        actor=actor, action=AuditLog.Action.CHANGED, instance=feedback, changes=changes
    )
    return note


def contacts_purge(*, now: Any = None) -> int:
    """Delete contact details older than FEEDBACK_CONTACT_RETENTION_DAYS;
    returns how many."""
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.FEEDBACK_CONTACT_RETENTION_DAYS
    )
    deleted, _ = ContactDetails.objects.filter(created_at__lt=cutoff).delete()
    return deleted
