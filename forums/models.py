from datetime import datetime

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from geo import srid

ONE_AREA = models.Q(district__isnull=False, custom_area__isnull=True) | models.Q(
    district__isnull=True, custom_area__isnull=False
)


class Forum(models.Model):
    """A resident forum of one area, official or drawn, run by the area's
    coordinators (for example "Kallio-foorumi" for the district Kallio)."""

    district = models.ForeignKey(
        District,
        verbose_name=_("official area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
    )
    custom_area = models.ForeignKey(
        CustomArea,
        verbose_name=_("custom area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue_facility = models.ForeignKey(
        Facility,
        verbose_name=_("usual venue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    venue_address = models.CharField(
        _("usual venue address"), max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_AREA, name="forum_one_area")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def area(self) -> District | CustomArea:
        area = self.district or self.custom_area
        assert area is not None  # forum_one_area
        return area


class Meeting(models.Model):
    """One meeting of a forum: in a place, online, or both."""

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")
        SIGN = "fse", _("Finnish Sign Language")

    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_facility = models.ForeignKey(
        Facility,
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_location = models.PointField(
        _("venue location"), srid=srid.STORAGE, null=True, blank=True
    )
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    languages = ArrayField(
        models.CharField(max_length=3, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    attendance = models.PositiveIntegerField(
        _("attendance"),
        null=True,
        blank=True,
        help_text=_("People at the meeting, as its coordinator counted them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["forum", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    def has_started(self, at: datetime) -> bool:
        return self.starts_at <= at

    def venue_text(self) -> str:
        if self.venue_facility is not None:
            address = self.venue_facility.address_fi
            name = self.venue_facility.name_fi
            return f"{name}, {address}" if address else name
        return self.venue_address


class AgendaItem(models.Model):
    """A point on a meeting's agenda: a case or a budget proposal of the
    forum's area."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    proposal = models.ForeignKey(
        BudgetProposal,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, proposal__isnull=True)
                | models.Q(case__isnull=True, proposal__isnull=False),
                name="agenda_item_one_subject",
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def title(self) -> str:
        if self.case is not None:
            return self.case.title_fi
        assert self.proposal is not None  # agenda_item_one_subject
        return self.proposal.title


class Minutes(models.Model):
    """The published record of a meeting."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes"
    )
    body = models.TextField(_("minutes"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class Follow(models.Model):
    """A resident following an area (official or drawn) or one forum."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    custom_area = models.ForeignKey(
        CustomArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    forum = models.ForeignKey(
        Forum, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("followed since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(district__isnull=False)
                    & models.Q(custom_area__isnull=True)
                    & models.Q(forum__isnull=True)
                )
                | (
                    models.Q(district__isnull=True)
                    & models.Q(custom_area__isnull=False)
                    & models.Q(forum__isnull=True)
                )
                | (
                    models.Q(district__isnull=True)
                    & models.Q(custom_area__isnull=True)
                    & models.Q(forum__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "district", "custom_area", "forum"],
                nulls_distinct=False,
                name="follow_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.district or self.custom_area or self.forum}"


class DashboardVisit(models.Model):
    """When a coordinator last looked at their dashboard: "new" is newer
    than this."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} at {self.seen_at}"


class Follower(models.Model):
    """A resident as a follower: when they last caught up with what they
    follow, in which language they read, and whether they get digests.

    ``seen_at`` moves only when the resident marks what is new as seen or
    a digest is sent to them, never by reading the page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower"
    )
    seen_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, blank=True
    )
    digests = models.BooleanField(_("daily e-mail digest"), default=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"{self.user} (seen {self.seen_at})"


class Digest(models.Model):
    """One e-mail digest sent to a resident: what it covered and how much.
    At most one a day (local time) per resident."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    sent_on = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"))
    since = models.DateTimeField(_("news since"), null=True, blank=True)
    case_count = models.PositiveIntegerField(_("cases"))
    proposal_count = models.PositiveIntegerField(_("budget proposals"))
    meeting_count = models.PositiveIntegerField(_("meetings"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="digest_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Digest to {self.user} on {self.sent_on}"
