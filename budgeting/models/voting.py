from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgeting.models.plan import Plan
from budgeting.models.round import Round
from budgeting.rules import ballots
from districts.models import District


class Voter(models.Model):
    """A verified resident, known only by a keyed digest of the identifier
    the identification service proved (never the identifier itself), and by
    what the rules need: birth date and home major district."""

    digest = models.CharField(_("identifier digest"), max_length=64, unique=True)
    birth_date = models.DateField(_("birth date"))
    home_district = models.ForeignKey(
        District,
        verbose_name=_("home major district"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"voter {self.digest[:8]}"


class Ballot(models.Model):
    """One voter's ballot in one round: online, or on paper entered by staff.

    First ballot final: a voter's first accepted ballot in a round is the one
    that counts and cannot be replaced, online or on paper. The database
    refuses a second one (``one_ballot_per_voter_per_round``), so two
    submissions racing each other leave exactly one ballot. The receipt code
    therefore always names the ballot that is counted.
    """

    class Channel(models.TextChoices):
        ONLINE = ballots.ONLINE, _("online")
        PAPER = ballots.PAPER, _("paper, entered by staff")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="ballots")
    # The voter's home district when they voted: people move between rounds.
    home_district = models.ForeignKey(
        District, null=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"], name="one_ballot_per_voter_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}: ballot {self.pk}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "plan"], name="ballot_choice_once"
            )
        ]

    def __str__(self) -> str:
        return f"ballot {self.ballot_id}: plan {self.plan_id}"
