"""The spatial vocabulary the apps filter with, each method named for the
predicate it uses.

GeoDjango transforms a parameter in SQL, never the column, so the spatial
index is used; PostGIS transformed the stored geometries the same way on
import.
"""

from typing import Self

from django.contrib.gis.geos import GEOSGeometry
from django.db import models
from django.db.models import Subquery

# A geometry given in Python, or one read from another row in SQL.
Geometry = GEOSGeometry | Subquery


class AreaQuerySet(models.QuerySet):
    def containing(self, geometry: Geometry) -> Self:
        # covers, not contains: a point on a shared border is covered by both
        # areas but contained by neither, and an area covers a part of itself
        # that reaches its border.
        return self.filter(boundary__covers=geometry)

    def intersecting(self, geometry: Geometry) -> Self:
        return self.filter(boundary__intersects=geometry)


class LocatedQuerySet(models.QuerySet):
    def intersecting(self, geometry: Geometry) -> Self:
        # Items that touch the area at all belong to it: a line or polygon
        # crossing the border is in the area on both sides.
        return self.filter(location__intersects=geometry)
