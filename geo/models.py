"""Abstract spatial bases; the concrete tables live in the domain apps."""

from django.contrib.gis.db import models

from geo import srid
from geo.querysets import AreaQuerySet, LocatedQuerySet


class Area(models.Model):
    """Something with a boundary: an official district or a drawn area."""

    boundary = models.MultiPolygonField(srid=srid.STORAGE, spatial_index=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        abstract = True


class Located(models.Model):
    """Something at a place. The geometry is optional: not every case has one."""

    location = models.GeometryField(
        srid=srid.STORAGE, null=True, blank=True, spatial_index=True
    )

    objects = LocatedQuerySet.as_manager()

    class Meta:
        abstract = True
