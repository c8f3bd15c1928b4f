from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.base import InAreas, lexemes
from cases.querysets import InAreasQuerySet


class InitiativeQuerySet(InAreasQuerySet):
    def public(self) -> "InitiativeQuerySet":
        """Everything but drafts: what anyone may see."""
        return self.exclude(status=Initiative.Status.DRAFT)

    def search(self, text: str) -> "InitiativeQuerySet":
        return self.filter(Q(title__icontains=text) | Q(text__icontains=text))


class Initiative(InAreas):
    """A resident's written proposal that the city start something new.

    Not an application for one's own benefit, an opinion on a case already
    under way, or a remark on past action (feedback): the page that writes
    one says so and suggests the right channel (``initiatives.kinds``).

    The location is a point or the boundary of a drawn area (``custom_area``)
    or nothing; like every located item it is linked to every official area
    it lies in (``cases.services.links``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        GATHERING = "gathering", _("gathering support")
        SUBMITTED = "submitted", _("submitted to the city")
        IN_HANDLING = "in_handling", _("in handling")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class Topic(models.TextChoices):
        PARKS = "parks", _("parks and nature")
        TRAFFIC = "traffic", _("streets and traffic")
        CULTURE = "culture", _("culture and libraries")
        SPORTS = "sports", _("sports and outdoor activities")
        YOUTH = "youth", _("children and young people")
        EDUCATION = "education", _("learning and schools")
        SOCIAL = "social", _("health and well-being")
        HOUSING = "housing", _("housing and building")
        ENVIRONMENT = "environment", _("climate and environment")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        FI = "fi", _("Finnish")
        SV = "sv", _("Swedish")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    language = models.CharField(
        _("language written in"),
        max_length=2,
        choices=Language.choices,
        default=Language.FI,
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    custom_area = models.ForeignKey(
        "districts.CustomArea",
        verbose_name=_("drawn area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_youth = models.BooleanField(
        _("youth initiative"),
        default=False,
        help_text=_("Made through the City's youth initiative channel."),
    )
    is_demo = models.BooleanField(
        _("demonstration"),
        default=False,
        help_text=_("Invented to show the service; not a real initiative."),
    )
    board = models.CharField(
        _("handled by"),
        max_length=200,
        blank=True,
        help_text=_("The board or committee handling it; empty for the council."),
    )
    ahjo_case_id = models.CharField(
        _("Ahjo case"),
        max_length=40,
        blank=True,
        help_text=_("The City's diary number, such as HEL 2026-001234."),
    )
    answer = models.TextField(_("answer"), blank=True)
    actions = models.TextField(_("what was done"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # For the same-topic ranking (initiatives.similarity).
    search_fi = lexemes("title", "text", config="finnish")
    search_sv = lexemes("title", "text", config="swedish")

    objects = InitiativeQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_demo=False) | Q(title__startswith="DEMO"),
                name="initiative_demo_is_labelled",
                violation_error_message=_(
                    "A demonstration initiative's title starts with DEMO."
                ),
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True)
                | ~Q(duplicate_of=models.F("id")),
                name="initiative_not_own_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def takes_support(self) -> bool:
        return self.status == self.Status.GATHERING

    @property
    def support_withdrawable(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.GATHERING)


class Support(models.Model):
    """One strongly identified person's support for one initiative.

    The person is known only by a keyed digest of the identity service's
    subject (never the subject itself); the database refuses a second
    support by the same digest (``one_support_per_person``), so two
    requests racing each other leave one.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="supports"
    )
    digest = models.CharField(_("identity digest"), max_length=64)
    # What the identity service vouched for when the support was given:
    # whether Helsinki is the home municipality, and the home major district.
    is_resident = models.BooleanField(_("resident of Helsinki"))
    home_district = models.ForeignKey(
        "districts.District",
        verbose_name=_("home major district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["initiative", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "digest"], name="one_support_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: support {self.pk}"
