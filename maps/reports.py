"""Printable area reports: a folium map and tables, from the same selectors
and GeoJSON renderer as the live map, so a report never disagrees with it.

folium links Leaflet, Bootstrap and friends from CDNs by default; the map
here links only our own static Leaflet (django-leaflet's copy).
"""

import json
from collections.abc import Callable
from typing import Any

import folium
from django.templatetags.static import static

from cases.models import BudgetProposal, Case, Facility
from districts.models import District
from geo.geojson import features_json
from maps.charts import colour_of, scale
from maps.features import MAP_LAYERS
from maps.outlines import AREA_TOLERANCE, CITY_TOLERANCE, outline_features

# Items drawn per layer on paper; the tables give the counts.
REPORT_MAP_LIMIT = 500
COLOURS = {shown.name: shown.colour for shown in MAP_LAYERS}


def _points(rows: Any, layer: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(
        features_json(
            rows.filter(location__isnull=False)[:REPORT_MAP_LIMIT],
            geometry="location",
            properties=[],
        )
    )
    return features


def area_map(area: District) -> folium.Map:
    """The area and the areas within it, with its pending cases, facilities
    and budget proposals."""
    outlines = District.objects.filter(pk=area.pk) | District.objects.filter(
        parent=area
    )
    areas: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": outline_features(outlines, tolerance=AREA_TOLERANCE),
    }
    fmap = folium.Map(tiles=None, control_scale=True, zoom_control=True)
    fmap.default_js = [("leaflet", static("leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static("leaflet/leaflet.css"))]
    folium.GeoJson(
        areas,
        name="areas",
        style_function=lambda f: {
            "color": "#1a4f8b",
            "weight": 3 if f["properties"]["code"] == area.code else 1,
            "fillOpacity": 0.03,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(fmap)
    layers = {
        # The same cases as the page's list (maps.area_contents).
        "cases": Case.objects.in_area(area.pk)
        .filter(status=Case.Status.PENDING)
        .for_residents(),
        "facilities": Facility.objects.in_area(area.pk),
        "budget-proposals": BudgetProposal.objects.in_area(area.pk),
    }
    for name, rows in layers.items():
        points = _points(rows, name)
        if not points:
            continue
        folium.GeoJson(
            {"type": "FeatureCollection", "features": points},
            name=name,
            marker=folium.CircleMarker(
                radius=5, weight=1, color="#ffffff", fill=True, fill_opacity=0.9
            ),
            style_function=lambda f, colour=COLOURS[name]: {"fillColor": colour},
        ).add_to(fmap)
    west, south, east, north = _bounds(areas["features"])
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def rate_map(
    rows: list[District], *, label: str, asset: Callable[[str], str] = static
) -> folium.Map:
    """A choropleth of the areas ``rows`` (from
    ``participation.selectors.rate_rows``) by their rate per 1,000
    residents. No basemap: the areas are the map, and it needs no network
    (the PDF is printed offline)."""
    rates = {row.code: row.per_1000 for row in rows}  # type: ignore[attr-defined]
    norm = scale(list(rates.values()))
    features = outline_features(
        District.objects.filter(pk__in=[row.pk for row in rows]),
        tolerance=CITY_TOLERANCE,
    )
    for feature in features:
        rate = rates.get(feature["properties"]["code"])
        feature["properties"]["rate"] = "–" if rate is None else f"{rate:.2f}"
        feature["properties"]["fill"] = colour_of(rate, norm)
    fmap = folium.Map(tiles=None, control_scale=True, zoom_control=True, zoom_snap=0.25)
    fmap.default_js = [("leaflet", asset("leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", asset("leaflet/leaflet.css"))]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="rates",
        style_function=lambda f: {
            "color": "#ffffff",
            "weight": 1,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.9,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "rate"], aliases=["", label], labels=True
        ),
    ).add_to(fmap)
    west, south, east, north = _bounds(features)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _bounds(features: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    lons: list[float] = []
    lats: list[float] = []

    def walk(coords: Any) -> None:
        if isinstance(coords[0], (int, float)):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for part in coords:
                walk(part)

    for feature in features:
        walk(feature["geometry"]["coordinates"])
    return min(lons), min(lats), max(lons), max(lats)


def map_parts(fmap: folium.Map) -> dict[str, str]:
    """folium's document split into the parts our report template places."""
    root: Any = fmap.get_root()
    root.render()
    return {
        "header": root.header.render(),
        "html": root.html.render(),
        "script": root.script.render(),
    }
