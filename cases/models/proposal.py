from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.base import InAreas, lexemes
from cases.querysets import ProposalQuerySet


class BudgetProposal(InAreas):
    """A resident's proposal in a participatory-budgeting round (OmaStadi).

    ``round`` is the budgeting round it was made in, by number: the
    column holds OmaStadi's round number, so filters and exports that name
    a round by number need no join. ``district`` is the major district
    whose budget pool it competes for; ``custom_area`` is the footprint
    drawn on the map, if any. City-wide
    proposals ("Helsingin yhteinen") compete for the city-wide pool and
    have no district. A proposal without a point is linked to its district
    only.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        SCREENED = "screened", _("screened")
        COSTED = "costed", _("costed")
        ON_BALLOT = "on_ballot", _("on the ballot")
        SELECTED = "selected", _("selected")
        NOT_SELECTED = "not_selected", _("not selected")
        IMPLEMENTED = "implemented", _("implemented")
        # Outcomes beside the main path: screened out, or withdrawn by the
        # proposer. OmaStadi records both.
        REJECTED = "rejected", _("rejected in screening")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Scope(models.TextChoices):
        DISTRICT = "district", _("major district")
        CITYWIDE = "citywide", _("city-wide")

    # A string reference: cases sits below budgeting and never imports it.
    round = models.ForeignKey(
        "budgeting.Round",
        verbose_name=_("budgeting round"),
        to_field="number",
        db_column="round",
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    source_id = models.CharField(
        _("id in the source"),
        max_length=60,
        help_text=_("The OmaStadi proposal id; unique within a round."),
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(
        _("budget pool"), max_length=10, choices=Scope.choices, default=Scope.DISTRICT
    )
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("major district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_proposals",
        limit_choices_to={"level": "major_district"},
    )
    custom_area = models.ForeignKey(
        "districts.CustomArea",
        verbose_name=_("drawn area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_proposals",
    )
    estimated_cost = models.DecimalField(
        _("estimated cost (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    # Never shown: a resident's own proposals are listed to them alone.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="budget_proposals",
        help_text=_("The resident who submitted it here; empty when imported."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # For the same-topic ranking (initiatives.similarity).
    search_fi = lexemes("title", "description", config="finnish")
    search_sv = lexemes("title", "description", config="swedish")

    objects = ProposalQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("budget proposal")
        verbose_name_plural = _("budget proposals")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "source_id"], name="proposal_round_source_id"
            ),
            models.CheckConstraint(
                condition=(Q(scope="district") & Q(district__isnull=False))
                | (Q(scope="citywide") & Q(district__isnull=True)),
                name="proposal_district_matches_scope",
                violation_error_message=_(
                    "A district proposal needs its major district; a city-wide "
                    "one has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.source_id} {self.title}"
