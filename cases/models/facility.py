from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import InAreas
from cases.querysets import FacilityQuerySet


class Facility(InAreas):
    """A City service unit at a place: a library, a youth centre, a
    playground. Imported reference data from the service register, not a
    workflow item; residents may use or book some of them."""

    class Kind(models.TextChoices):
        LIBRARY = "library", _("library")
        YOUTH_CENTRE = "youth_centre", _("youth centre")
        PLAYGROUND = "playground", _("playground")
        PLAYPARK = "playpark", _("supervised playpark")
        SCHOOL = "school", _("school")
        DAYCARE = "daycare", _("day-care centre")
        SPORTS = "sports", _("sports facility")
        CULTURE = "culture", _("cultural centre")
        HEALTH = "health", _("health station")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    address_fi = models.CharField(_("address in Finnish"), max_length=200, blank=True)
    address_sv = models.CharField(_("address in Swedish"), max_length=200, blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    is_bookable = models.BooleanField(
        _("bookable"),
        default=False,
        help_text=_("Residents may use or book its premises."),
    )
    booking_url = models.URLField(_("booking link"), max_length=500, blank=True)
    source = models.CharField(
        _("source register"),
        max_length=40,
        help_text=_("Where the unit comes from, e.g. 'tpr' (service map)."),
    )
    source_id = models.CharField(_("id in the source"), max_length=60)
    source_type = models.CharField(
        _("service type in the source"), max_length=60, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FacilityQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_fi", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="facility_source_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name_fi
