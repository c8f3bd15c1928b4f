from typing import Self

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models


class AreaQuerySet(models.QuerySet):
    def containing(self, point: Point) -> Self:
        # covers, not contains: a point on a shared border is covered by both
        # areas but contained by neither. GeoDjango transforms the parameter
        # in SQL, never the column, so the spatial index is used; PostGIS
        # transformed the stored boundaries the same way on import.
        return self.filter(boundary__covers=point)

    def intersecting(self, geometry: GEOSGeometry) -> Self:
        return self.filter(boundary__intersects=geometry)


class LocatedQuerySet(models.QuerySet):
    def within(self, area: GEOSGeometry) -> Self:
        # Items that touch the area at all belong to it: a line or polygon
        # crossing the border is in the area on both sides.
        return self.filter(location__intersects=area)

    def in_bbox(self, bbox: GEOSGeometry) -> Self:
        return self.filter(location__intersects=bbox)

    def nearest_to(self, point: Point) -> Self:
        return self.annotate(distance=Distance("location", point)).order_by("distance")
