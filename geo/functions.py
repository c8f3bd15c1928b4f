"""PostGIS functions Django does not ship, one small class each."""

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import GeoFunc

from geo import srid


class SimplifyPreserveTopology(GeoFunc):
    function = "ST_SimplifyPreserveTopology"
    arity = 2
    output_field = GeometryField(srid=srid.STORAGE)
