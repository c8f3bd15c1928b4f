from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgeting.models.round import Round
from districts.models import District
from geo.models import Located
from geo.querysets import LocatedQuerySet


class PlanQuerySet(LocatedQuerySet):
    def selected(self) -> "PlanQuerySet":
        return self.filter(selected=True)

    def on_ballot(self) -> "PlanQuerySet":
        return self.filter(on_ballot=True)


class Plan(Located):
    """What residents vote on: one or more proposals merged and costed by
    staff. The area is the major district whose pool pays for it; no area
    means the city-wide pool. The location comes from the proposals where
    they have points."""

    class Implementation(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    class ResultSource(models.TextChoices):
        RECORDED = "recorded", _("recorded by the City")
        TALLY = "tally", _("counted from the ballots here")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plans")
    source_id = models.PositiveIntegerField(
        _("OmaStadi plan id"), null=True, blank=True
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_(
            "Imported plans have no title of their own in the open data; they "
            "show the titles of the proposals they merged."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        District,
        verbose_name=_("major district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a city-wide plan."),
    )
    proposals = models.ManyToManyField(
        "cases.BudgetProposal",
        verbose_name=_("merged proposals"),
        related_name="plans",
        blank=True,
    )
    # As the source lists them; ``proposals`` holds those that were found.
    source_proposal_ids = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("OmaStadi ids of the merged proposals"),
        default=list,
        blank=True,
    )
    cost = models.PositiveBigIntegerField(_("cost (EUR)"))
    on_ballot = models.BooleanField(_("on the ballot"), default=True)
    selected = models.BooleanField(
        _("selected"), null=True, blank=True, help_text=_("Empty until results.")
    )
    result_source = models.CharField(
        _("result from"), max_length=20, choices=ResultSource.choices, blank=True
    )
    implementation_status = models.CharField(
        _("implementation"),
        max_length=20,
        choices=Implementation.choices,
        blank=True,
    )
    implementation_started_on = models.DateField(
        _("implementation started"), null=True, blank=True
    )
    implementation_done_on = models.DateField(
        _("implementation done"), null=True, blank=True
    )
    implementation_notes = models.TextField(_("implementation notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["round", "source_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "source_id"], name="plan_round_source_id"
            ),
            models.CheckConstraint(
                condition=models.Q(cost__gt=0), name="plan_cost_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(implementation_started_on__isnull=True)
                | models.Q(implementation_done_on__isnull=True)
                | models.Q(
                    implementation_done_on__gte=models.F("implementation_started_on")
                ),
                name="plan_implementation_done_after_start",
                violation_error_message=_(
                    "An implementation cannot be done before it started."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.round} plan {self.source_id or self.pk}"

    @property
    def area_key(self) -> str:
        """The pool's key in the rules: the district code, "" for city-wide."""
        return self.area.code if self.area else ""
