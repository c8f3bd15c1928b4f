from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.base import InAreas
from cases.querysets import CaseQuerySet


class Case(InAreas):
    """An administrative case in the City's decision-making (Ahjo): a zoning
    change, a procurement, a lease. Most cases have no geometry; those that
    do are mapped as a point, a line or a polygon."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        IN_PREPARATION = "in_preparation", _("in preparation")
        DECIDED = "decided", _("decided")
        CLOSED = "closed", _("closed")

    class Placement(models.TextChoices):
        NONE = "", _("not located")
        GIVEN = "given", _("given geometry")
        GAZETTEER = "gazetteer", _("place named in the text")

    diary_number = models.CharField(
        _("diary number"),
        max_length=40,
        blank=True,
        help_text=_("The City's record number, such as HEL 2022-001234."),
    )
    source_id = models.CharField(
        _("source id"),
        max_length=60,
        blank=True,
        help_text=_("Id in the source system (Ahjo case id) for re-imports."),
    )
    title_fi = models.CharField(_("title in Finnish"), max_length=500)
    title_sv = models.CharField(_("title in Swedish"), max_length=500, blank=True)
    summary_fi = models.TextField(_("summary in Finnish"), blank=True)
    summary_sv = models.TextField(_("summary in Swedish"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    decision_maker = models.CharField(_("decision-maker"), max_length=200, blank=True)
    classification = models.CharField(_("classification"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    links = models.JSONField(
        _("documents and links"),
        default=list,
        blank=True,
        help_text=_("List of {title, url, type, issued}."),
    )
    placement = models.CharField(
        _("how the location was found"),
        max_length=20,
        choices=Placement.choices,
        blank=True,
    )
    place_names = models.JSONField(
        _("places named"),
        default=list,
        blank=True,
        help_text=_("The gazetteer entries the text matched, in order."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["diary_number"],
                condition=~Q(diary_number=""),
                name="case_diary_number_unique",
            ),
            models.UniqueConstraint(
                fields=["source_id"],
                condition=~Q(source_id=""),
                name="case_source_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diary_number} {self.title_fi}".strip()
