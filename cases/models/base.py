from django.contrib.gis.db import models
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.utils.translation import gettext_lazy as _

from geo.models import Located


class InAreas(Located):
    """Something located that is linked to every official area it lies in,
    at every level.

    The links are stored (not derived at query time) so that lists filtered
    by area use a plain index, and they are kept right by
    ``cases.services.links``: on every write of a location and whenever
    official boundaries are re-imported. Nothing else writes them.
    """

    areas = models.ManyToManyField(
        "districts.District",
        verbose_name=_("official areas"),
        related_name="%(class)s_items",
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


def lexemes(*fields: str, config: str) -> models.GeneratedField:
    """The text of ``fields`` as ``config`` (finnish, swedish) lexemes, kept
    by PostgreSQL, for rankings that would otherwise parse every row for
    every query (initiatives.similarity)."""
    return models.GeneratedField(
        expression=SearchVector(*fields, config=config),
        output_field=SearchVectorField(),
        db_persist=True,
    )
