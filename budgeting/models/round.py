import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgeting.rules import ballots
from budgeting.rules.problem import Problem
from districts.models import District


class Round(models.Model):
    """One participatory budgeting round (OmaStadi "kierros").

    The total, less the city-wide amount, is split between the major
    districts by population (``AreaBudget``); residents vote on plans under
    the voting rule and area rule below.

    The phase rules live here, one method each, and every service asks
    them (days are Helsinki days, both ends of a phase included):

    - proposals are accepted during the proposal phase;
    - online ballots during the voting phase;
    - paper ballots from the first voting day until the results open, so
      that ballots cast on paper during voting can still be entered;
    - the results open (ballots counted, a count published, Pabulib
      exports served) on the first day of the results phase, or, without
      one, the day after voting. Publishing closes paper entry for good,
      even if the phases are moved afterwards.
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
    results_published_at = models.DateTimeField(
        _("results published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when a count is published; paper entry is closed."),
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

    @property
    def results_open_on(self) -> dt.date | None:
        """The first day both channels are closed and the ballots may be
        counted and exported; None for a round without voting."""
        results = self.phase(Phase.Kind.RESULTS)
        if results is not None:
            return results.starts_on
        voting = self.phase(Phase.Kind.VOTING)
        return voting.ends_on + dt.timedelta(days=1) if voting else None

    def proposal_problem(self, day: dt.date) -> Problem | None:
        """Why a proposal is refused on ``day``, or None if it is accepted."""
        proposals = self.phase(Phase.Kind.PROPOSALS)
        if proposals is None:
            return Problem(
                "proposals_closed", f"Round {self.number} takes no proposals."
            )
        if not proposals.includes(day):
            return Problem(
                "proposals_closed",
                f"Round {self.number} takes proposals from "
                f"{proposals.starts_on.isoformat()} to "
                f"{proposals.ends_on.isoformat()}.",
            )
        return None

    def ballot_problem(self, channel: str, day: dt.date) -> Problem | None:
        """Why a ballot arriving by ``channel`` on ``day`` is refused, or
        None if it is accepted."""
        voting = self.phase(Phase.Kind.VOTING)
        if voting is None:
            return Problem("voting_closed", "This round has no voting phase.")
        if day < voting.starts_on:
            return Problem(
                "voting_closed",
                f"Voting has not started: it opens on {voting.starts_on.isoformat()}.",
            )
        if channel == ballots.ONLINE:
            if day > voting.ends_on:
                return Problem(
                    "voting_closed", f"Voting closed on {voting.ends_on.isoformat()}."
                )
            return None
        if self.results_published_at is not None:
            return Problem(
                "voting_closed",
                "Paper ballots can no longer be entered: the results were "
                f"published on {self.results_published_at.date().isoformat()}.",
            )
        opens = self.results_open_on
        assert opens is not None  # there is a voting phase
        if day >= opens:
            return Problem(
                "voting_closed",
                "Paper ballots can no longer be entered: results were due on "
                f"{opens.isoformat()}.",
            )
        return None

    def accepts(self, channel: str, day: dt.date) -> bool:
        return self.ballot_problem(channel, day) is None

    def results_open(self, day: dt.date) -> bool:
        """Both channels closed: from the results phase, or once published."""
        opens = self.results_open_on
        published = self.results_published_at is not None
        return published or (opens is not None and day >= opens)

    def count_problem(self, day: dt.date) -> Problem | None:
        """Why the ballots may not be counted, or a count published, on
        ``day``, or None if they may."""
        opens = self.results_open_on
        if opens is None:
            return Problem("voting_open", "This round has no voting to count.")
        if not self.results_open(day):
            return Problem(
                "voting_open",
                "Ballots are counted only when online voting and paper entry "
                f"have closed, from {opens.isoformat()}.",
            )
        return None

    def export_problem(self, day: dt.date) -> Problem | None:
        """Why the ballots may not be exported on ``day``, or None. A round
        without voting (imported from the City's record) has no ballots to
        keep back, only its recorded result."""
        opens = self.results_open_on
        if opens is None or self.results_open(day):
            return None
        return Problem(
            "voting_open",
            f"Ballots are exported only from the results phase, from "
            f"{opens.isoformat()}.",
        )


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
