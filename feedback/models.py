"""Residents' feedback to the City (GeoReport v2 service requests), the
units that handle it, the rules that route it, and the contact details
kept apart from the public record."""

from typing import Self

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Facility
from cases.models.base import InAreas
from cases.querysets import InAreasQuerySet


class Unit(models.Model):
    """A City unit that handles feedback (Rakennusvirasto, Liikuntavirasto),
    or the queue where feedback waits when nothing routes it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_fallback = models.BooleanField(
        _("fallback queue"),
        default=False,
        help_text=_("Feedback that no rule or history routes goes here."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"],
                condition=Q(is_fallback=True),
                name="feedback_one_fallback_unit",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A feedback category in GeoReport v2 terms (``service_code``):
    potholes, graffiti, playgrounds."""

    code = models.CharField(_("service code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    accepts_new = models.BooleanField(
        _("accepts new feedback"),
        default=True,
        help_text=_(
            "Listed in /services and open for new feedback; codes known only "
            "from imported history are not."
        ),
    )
    needs_location = models.BooleanField(
        _("needs a location"),
        default=True,
        help_text=_("New feedback must give a point in Helsinki or a facility."),
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def label(self) -> str:
        return self.name or str(_("category %(code)s") % {"code": self.code})


class ServiceAttribute(models.Model):
    """A question a service asks beyond the description (GeoReport v2
    service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("text line")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("text")
        SINGLE = "singlevaluelist", _("one of a list")
        MULTI = "multivaluelist", _("some of a list")

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="attributes",
    )
    code = models.CharField(_("code"), max_length=50)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    values = models.JSONField(
        _("values"),
        default=list,
        blank=True,
        help_text=_("For lists: [{key, name}]."),
    )

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["service", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="feedback_attribute_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}/{self.code}"

    def value_keys(self) -> set[str]:
        return {str(value["key"]) for value in self.values}


class ApiKey(models.Model):
    """A client application allowed to post feedback through Open311. Only
    the key's digest is stored; ``manage.py open311_key NAME`` shows the
    key once."""

    name = models.CharField(_("application"), max_length=100, unique=True)
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        default="100/hour",
        help_text=_("Posts allowed per second, min, hour or day, e.g. 100/hour."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeedbackQuerySet(InAreasQuerySet):
    def open(self) -> Self:
        return self.filter(status=Feedback.Status.OPEN)


class Feedback(InAreas):
    """One piece of feedback from a resident: what (the service), where (a
    point or a facility), what they wrote, and what the City did with it.

    The description is public, as the City publishes it; who gave it is
    not, and lives in ``ContactDetails``.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Origin(models.TextChoices):
        IMPORTED = "imported", _("imported from the City's service")
        PIIRI = "piiri", _("given in Piiri")

    class RoutedBy(models.TextChoices):
        RULE = "rule", _("a declared rule")
        HISTORY = "history", _("the unit that handled most such feedback")
        FALLBACK = "fallback", _("the fallback queue")
        STAFF = "staff", _("staff")
        IMPORTED = "imported", _("the City's record")

    service_request_id = models.CharField(
        _("service request id"), max_length=40, unique=True
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="feedback",
        # A few imported records have no category.
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    media_url = models.URLField(_("picture"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    detailed_status = models.CharField(_("detailed status"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="feedback",
        null=True,
        blank=True,
    )
    routed_by = models.CharField(
        _("routed by"), max_length=10, choices=RoutedBy.choices, blank=True
    )
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.PIIRI
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("client application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("given"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = FeedbackQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self) -> str:
        return f"{self.service_request_id} {self.title}".strip()


class StatusNote(models.Model):
    """The City's reply to a piece of feedback: what, when and by whom."""

    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    text = models.TextField(_("reply"))
    author = models.CharField(
        _("by"), max_length=200, help_text=_("The unit or person who replied.")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    origin = models.CharField(
        _("origin"),
        max_length=10,
        choices=Feedback.Origin.choices,
        default=Feedback.Origin.PIIRI,
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["feedback", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d}"


class ContactDetails(models.Model):
    """How to reach the person who gave a piece of feedback. Never shown on
    a public surface; deleted after FEEDBACK_CONTACT_RETENTION_DAYS by
    ``manage.py purge_feedback_contacts``."""

    feedback = models.OneToOneField(
        Feedback,
        verbose_name=_("feedback"),
        on_delete=models.CASCADE,
        related_name="contact",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"contact for {self.feedback_id}"


class RoutingRule(models.Model):
    """A declared route: feedback of ``service`` (optionally in ``area`` or
    about a facility of ``facility_kind``) goes to ``unit``. Staff edit
    these in the admin; the most specific matching rule wins over the
    defaults learned from history."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    area = models.ForeignKey(
        "districts.District",
        verbose_name=_("in area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    facility_kind = models.CharField(
        _("about a facility of kind"),
        max_length=20,
        choices=Facility.Kind.choices,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "area", "facility_kind"],
                nulls_distinct=False,
                name="feedback_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code} -> {self.unit}"

    @property
    def specificity(self) -> int:
        return 2 * bool(self.facility_kind) + bool(self.area_id)


class LearnedRoute(models.Model):
    """The unit that handled most of the imported feedback of a service
    (in a major district, where there was enough of it there). Written by
    ``feedback.routing.learned_routes_refresh``; not edited by hand."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="learned_routes"
    )
    area = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    support = models.PositiveIntegerField(_("records"))
    share = models.FloatField(_("share handled by the unit"))

    class Meta:
        verbose_name = _("learned route")
        verbose_name_plural = _("learned routes")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "area"],
                nulls_distinct=False,
                name="feedback_learned_route_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code} -> {self.unit} ({self.support})"
