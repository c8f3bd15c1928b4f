from typing import Self

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geo.models import Area
from geo.querysets import AreaQuerySet


class Named(models.Model):
    """Names in the city's three service languages."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def name(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one), else Finnish."""
        language = (language or get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fi


class DistrictQuerySet(AreaQuerySet):
    def at_level(self, level: str) -> Self:
        return self.filter(level=level)

    def on_land(self) -> Self:
        """Without the sea area, which is no neighbourhood anyone lives in."""
        return self.filter(is_sea=False)


class District(Named, Area):
    """An official area of Helsinki at one level of the district division.

    Major districts (suurpiiri) contain districts (peruspiiri), which contain
    sub-districts (osa-alue). Neighbourhoods (kaupunginosa) are a separate
    division that does not nest inside the others, so they have no parent.
    Official areas are imported, never edited by hand.
    """

    class Level(models.TextChoices):
        MAJOR_DISTRICT = "major_district", _("major district")
        DISTRICT = "district", _("district")
        SUB_DISTRICT = "sub_district", _("sub-district")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    code = models.CharField(
        _("official code"),
        max_length=20,
        help_text=_("The City's code: 1 to 8, 101, 457, or a neighbourhood number."),
    )
    full_code = models.CharField(_("full hierarchical code"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_sea = models.BooleanField(
        _("sea area"),
        default=False,
        help_text=_("Open water, not a place residents live in; left out of lookups."),
    )
    source = models.CharField(_("source snapshot"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("last imported"), auto_now=True)

    objects = DistrictQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"], name="district_level_code"
            )
        ]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name_fi} ({self.get_level_display()} {self.code})"

    def ancestors(self) -> list["District"]:
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Population(models.Model):
    """Residents of an area at the end of a year (City of Helsinki statistics).

    Recorded for districts, with the shares of children, elderly, Swedish-
    and foreign-language speakers; a major district's figure is the sum of
    its districts and its shares their population-weighted mean, stored at
    import so every reader sees the same numbers.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    # The structure of the population, as shares (0-1) of its residents.
    children_share = models.FloatField(_("share aged 0-14"), null=True, blank=True)
    elderly_share = models.FloatField(_("share aged 65+"), null=True, blank=True)
    swedish_share = models.FloatField(
        _("share Swedish-speaking"), null=True, blank=True
    )
    foreign_language_share = models.FloatField(
        _("share foreign-language"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["district", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="population_district_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district.name_fi} {self.year}: {self.population}"


class CustomArea(Named, Area):
    """An area drawn by a coordinator or planner, because residents' own
    areas rarely follow official lines. Private areas are seen only by their
    owner and admins."""

    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="custom_areas",
    )
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AreaQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("custom area")
        verbose_name_plural = _("custom areas")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_fi


class SourceImport(models.Model):
    """One import of one source file: what was loaded, from what, and when.

    A file whose digest was already imported is not imported again, so a
    second ``make run`` loads nothing twice.
    """

    kind = models.CharField(max_length=50)
    source = models.CharField(max_length=500)
    digest = models.CharField(max_length=64)
    report = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        indexes = [models.Index(fields=["kind", "digest"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.source} at {self.imported_at:%Y-%m-%d %H:%M}"


class AreaAssignment(models.Model):
    """A user's responsibility for one area: the coordinator role.

    A coordinator looks after an official area and every area beneath it in
    the district hierarchy, or after one custom area. Planners and admins are
    city-wide and are Django groups, not assignments (see
    ``districts.permissions``).
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="area_assignments",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("official area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    custom_area = models.ForeignKey(
        CustomArea,
        verbose_name=_("custom area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("area assignment")
        verbose_name_plural = _("area assignments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(district__isnull=False, custom_area__isnull=True)
                | models.Q(district__isnull=True, custom_area__isnull=False),
                name="assignment_one_area",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=models.Q(district__isnull=False),
                name="assignment_user_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "custom_area"],
                condition=models.Q(custom_area__isnull=False),
                name="assignment_user_custom_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.area}"

    @property
    def area(self) -> District | CustomArea:
        area = self.district or self.custom_area
        assert area is not None  # the check constraint guarantees one
        return area


class AuditLog(models.Model):
    """Who created, changed or deleted an area, forum, meeting or minutes,
    or gave or took a coordinator role, and when. Written in the same
    transaction as the change, by the services that make it or by the
    Django admin (districts.admin.AuditedAdmin); read by admins."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # A label ("forums.meeting") and a plain id rather than a generic foreign
    # key: the entry must outlive the object it records the deletion of.
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.BigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type} {self.object_id}"
