from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgeting.models.plan import Plan
from budgeting.models.round import Round
from districts.models import District


class Tally(models.Model):
    """The count of one pool by one method, from the stored ballots.

    Recomputing from the same ballots gives the same lines: both rules
    break ties deterministically (``budgeting.rules.tally``).
    """

    class Method(models.TextChoices):
        GREEDY = "greedy", _("greedy by votes (Helsinki's rule)")
        EQUAL_SHARES = "equal_shares", _("Method of Equal Shares")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    area = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    budget = models.PositiveBigIntegerField(_("budget (EUR)"))
    ballots_counted = models.PositiveIntegerField(_("ballots counted"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["round", "area__code", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area", "method"],
                name="tally_round_area_method",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        where = self.area.name_fi if self.area else "city-wide"
        return f"{self.round}: {where} ({self.get_method_display()})"


class TallyLine(models.Model):
    tally = models.ForeignKey(Tally, on_delete=models.CASCADE, related_name="lines")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("position"))
    votes = models.PositiveIntegerField(_("votes"))
    selected = models.BooleanField(_("selected"))
    remaining = models.BigIntegerField(_("money left after (EUR)"), null=True)
    note = models.CharField(_("note"), max_length=50, blank=True)

    class Meta:
        ordering = ["tally", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tally", "plan"], name="tally_line_plan")
        ]

    def __str__(self) -> str:
        return f"{self.tally}: {self.position}. plan {self.plan_id}"
