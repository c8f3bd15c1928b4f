import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgeting.rules import ballots
from districts.models import District


class Round(models.Model):
    """One participatory budgeting round (OmaStadi "kierros").

    The total, less the city-wide amount, is split between the major
    districts by population (``AreaBudget``); residents vote on plans under
    the voting rule and area rule below.
    """

    class VotingRule(models.TextChoices):
        KNAPSACK = ballots.KNAPSACK, _("knapsack: chosen plans fit the budget")
        APPROVAL = ballots.APPROVAL, _("approval: at most N plans")

    class AreaRule(models.TextChoices):
        OWN_DISTRICT = ballots.OWN_DISTRICT, _("own major district")
        CITY_WIDE_PLUS_ONE = (
            ballots.CITY_WIDE_PLUS_ONE,
            _("city-wide plus one major district of the voter's choice"),
        )

    number = models.PositiveSmallIntegerField(
        _("round number"), unique=True, help_text=_("OmaStadi's round number.")
    )
    name = models.CharField(_("name"), max_length=200)
    total_amount = models.PositiveBigIntegerField(
        _("total amount (EUR)"),
        null=True,
        blank=True,
        help_text=_(
            "Empty when not known: the open data of past OmaStadi rounds has "
            "no announced budgets."
        ),
    )
    city_wide_amount = models.PositiveBigIntegerField(
        _("city-wide amount (EUR)"),
        default=0,
        help_text=_("Taken off the total before the split between districts."),
    )
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        default=2023,
        help_text=_("Year of the population figures the split uses."),
    )
    min_voter_age = models.PositiveSmallIntegerField(
        _("minimum voter age"),
        default=13,
        help_text=_("Age reached by the last voting day."),
    )
    voting_rule = models.CharField(
        _("voting rule"),
        max_length=20,
        choices=VotingRule.choices,
        default=VotingRule.KNAPSACK,
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most plans per pool (approval)"), null=True, blank=True
    )
    min_spend_share = models.DecimalField(
        _("least share of the budget to use (knapsack)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    area_rule = models.CharField(
        _("where a voter may vote"),
        max_length=30,
        choices=AreaRule.choices,
        default=AreaRule.OWN_DISTRICT,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("budgeting round")
        verbose_name_plural = _("budgeting rounds")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__isnull=True)
                | Q(city_wide_amount__lte=models.F("total_amount")),
                name="round_city_wide_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(voting_rule=ballots.APPROVAL)
                | Q(max_choices__isnull=False, max_choices__gte=1),
                name="round_approval_has_max_choices",
            ),
            models.CheckConstraint(
                condition=Q(min_spend_share__isnull=True)
                | Q(min_spend_share__gte=0, min_spend_share__lte=1),
                name="round_min_spend_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def district_amount(self) -> int | None:
        if self.total_amount is None:
            return None
        return self.total_amount - self.city_wide_amount

    def phase(self, kind: str) -> "Phase | None":
        return next((p for p in self.phases.all() if p.kind == kind), None)

    @property
    def last_voting_day(self) -> dt.date | None:
        voting = self.phase(Phase.Kind.VOTING)
        return voting.ends_on if voting else None


class Phase(models.Model):
    """A stage of a round, with its dates (both days included, Helsinki time)."""

    class Kind(models.TextChoices):
        PROPOSALS = "proposals", _("proposals")
        SCREENING = "screening", _("screening")
        COSTING = "costing", _("costing")
        VOTING = "voting", _("voting")
        RESULTS = "results", _("results")
        IMPLEMENTATION = "implementation", _("implementation")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["round", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="phase_round_kind"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.get_kind_display()}"

    def includes(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class AreaBudget(models.Model):
    """A major district's share of a round, fixed when the round is allocated.

    Stored, not derived: population figures are re-imported, but a budget
    announced to residents does not change under them.
    """

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="area_budgets"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("population"))
    amount = models.PositiveBigIntegerField(_("amount (EUR)"))

    class Meta:
        verbose_name = _("area budget")
        verbose_name_plural = _("area budgets")
        ordering = ["round", "district__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "district"], name="area_budget_round_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.district.name_fi} {self.amount} EUR"
