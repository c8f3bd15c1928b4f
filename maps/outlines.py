"""Area outlines for pages: simplified in PostGIS, rendered by geo.geojson.

Pages draw official areas from GeoJSON embedded in the page, so the areas
are on the map with the first paint and cost no extra request. Outlines are
simplified (topology kept) to a tolerance that is invisible at the zoom the
page shows them at; the full boundaries stay available from the APIs.
"""

import json
from typing import Any

from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import FloatField, Func, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from districts.models import District
from geo import srid
from geo.functions import SimplifyPreserveTopology
from geo.geojson import features_json

# Metres in the storage CRS; 25 m is under a pixel at the city-wide zoom.
CITY_TOLERANCE = 25.0
AREA_TOLERANCE = 5.0


def area_url(level: str, code: str) -> str:
    return reverse("pages:area", kwargs={"level": level, "code": code})


def outline_features(
    areas: QuerySet[District], *, tolerance: float = CITY_TOLERANCE
) -> list[dict[str, Any]]:
    """GeoJSON features (lon/lat) for ``areas``, each with its name in the
    active language, a label point ``[lon, lat]`` inside the area (not the
    centroid, which can fall outside a crescent-shaped area or in the sea)
    and the URL of its page."""
    label = Transform(PointOnSurface("boundary"), srid.GEOJSON)
    rows = areas.annotate(
        outline=SimplifyPreserveTopology("boundary", tolerance),
        label_lon=Func(label, function="ST_X", output_field=FloatField()),
        label_lat=Func(label, function="ST_Y", output_field=FloatField()),
    )
    fields = ["level", "code", "name_fi", "name_sv", "name_en"]
    features = json.loads(
        features_json(
            rows, geometry="outline", properties=[*fields, "label_lon", "label_lat"]
        )
    )
    language = get_language() or "fi"
    for feature in features:
        props = feature["properties"]
        props["name"] = props[f"name_{language[:2]}"] or props["name_fi"]
        props["label"] = [
            round(props.pop("label_lon"), 6),
            round(props.pop("label_lat"), 6),
        ]
        props["url"] = area_url(props["level"], props["code"])
    return features
