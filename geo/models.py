"""Abstract spatial bases; the concrete tables live in the domain apps."""

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform

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
    # The location in Web Mercator, kept by PostgreSQL itself, for vector
    # tiles: a tile then clips stored coordinates instead of transforming
    # every point of every tile it draws (a quarter of a full tile's SQL,
    # bench/results/layers.md). Never filtered on: lookups use location.
    location_web = models.GeneratedField(
        expression=Transform("location", srid.WEB_MERCATOR),
        output_field=models.GeometryField(
            srid=srid.WEB_MERCATOR, null=True, spatial_index=False
        ),
        db_persist=True,
        editable=False,
    )

    objects = LocatedQuerySet.as_manager()

    class Meta:
        abstract = True
