"""Residents' pages: the map, the list view, area pages and search.

Plain Django views. Data comes from the selectors of the apps the pages
show; layer URLs are reversed here and handed to the page's JS through
``json_script``, so the JS holds no URLs and no rules.
"""

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from leaflet.templatetags.leaflet_tags import leaflet_map

from cases.models import BudgetProposal
from districts.models import District
from districts.selectors import area_get, area_list, population_by_year
from initiatives.views import similar_links
from maps.area_contents import area_contents
from maps.features import (
    TITLE_FIELDS,
    filter_label,
    filter_options,
    item_page_url,
    item_summary,
    layer_title,
    offered_layers,
)
from maps.gazetteer import place_search
from maps.layers import get_layer
from maps.outlines import AREA_TOLERANCE, outline_features
from maps.reports import area_map, map_parts
from web.viewer import viewer_of

# Items listed per layer beside the map: enough to browse, small to fetch.
IN_VIEW_LIMIT = 20
# Points per vector tile on the map: enough to show where things are at a
# city-wide zoom; zooming in shows every item (smaller tiles, same cap).
TILE_LIMIT = 1500


def _basemap() -> dict[str, str]:
    return {"url": settings.BASEMAP_URL, "attribution": settings.BASEMAP_ATTRIBUTION}


def _leaflet_options() -> dict[str, Any]:
    """django-leaflet's map options from settings.LEAFLET_CONFIG, handed to
    L.Map.djangoMap by our JS: the CSP allows no inline script, so the
    {% leaflet_map %} tag's own <script> cannot be used."""
    options: dict[str, Any] = json.loads(leaflet_map("map")["djoptions"])
    return options


def _js_strings() -> dict[str, str]:
    """UI text the map's JS shows, translated here: the JS has no catalogue."""
    return {
        "openPage": _("Open the page"),
        "areaPage": _("Area page"),
        "population": _("Population"),
        "noResults": _("No places found."),
        "searchResults": _("Places found"),
        "selected": _("Selected area"),
        "areas": _("Areas"),
        "turnOnLayer": _("Turn on a layer above to list its items here."),
        "inView": _("In the map view:"),
        "listLimited": _(
            "The list shows at most %s items of each layer; zoom in to see others."
        ),
        "selectFirst": _("Select a district on the map first."),
        "counting": _("Counting…"),
        "inArea": _("In the area"),
    }


def _layers_config() -> list[dict[str, Any]]:
    """Each map layer's URLs (reversed here; the JS holds none), legend,
    colour and filters."""
    language = (get_language() or "fi")[:2]
    config = []
    for shown, layer in offered_layers():
        tile_prefix = reverse("maps:layer-tile", args=[layer.name, 0, 0, 0])
        page_prefix = item_page_url(layer.name, 0)
        title_fields = [
            name
            for pattern in TITLE_FIELDS
            if (name := pattern.format(lang=language)) in layer.properties
        ]
        config.append(
            {
                "name": layer.name,
                "title": str(shown.title),
                "colour": shown.colour,
                "tiles": tile_prefix.removesuffix("/0/0/0.pbf") + "/{z}/{x}/{y}.pbf",
                "items": reverse("maps:ogc-items", args=[layer.name]),
                "page": page_prefix.removesuffix("/0/") + "/{id}/",
                "titleFields": title_fields,
                "filters": [
                    {
                        "param": param,
                        "label": filter_label(layer.name, param),
                        "options": filter_options(layer.name, param),
                    }
                    for param in shown.filters
                ],
            }
        )
    return config


def major_districts() -> list[District]:
    return list(area_list(level=District.Level.MAJOR_DISTRICT).filter(is_sea=False))


def map_page(request: HttpRequest) -> HttpResponse:
    config = {
        "mode": "city",
        "areas": outline_features(
            District.objects.at_level(District.Level.MAJOR_DISTRICT).on_land()
        ),
        "search": reverse("pages:search"),
        "layers": _layers_config(),
        "listLimit": IN_VIEW_LIMIT,
        "tileLimit": TILE_LIMIT,
        "query": reverse("maps:polygon-query"),
        "downloads": [
            {"value": "geojson", "label": _("Download GeoJSON")},
            {"value": "csv", "label": _("Download CSV")},
            {"value": "gpkg", "label": _("Download GeoPackage")},
        ],
        "downloadName": _("piiri-area"),
        "language": (get_language() or "fi")[:2],
        "basemap": _basemap(),
        "leaflet": _leaflet_options(),
        "strings": _js_strings(),
    }
    return render(
        request,
        "maps/map.html",
        {"config": config, "major_districts": major_districts()},
    )


def list_page(request: HttpRequest) -> HttpResponse:
    areas = area_list().filter(is_sea=False)
    by_parent: dict[int | None, list[District]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)
    majors = [a for a in areas if a.level == District.Level.MAJOR_DISTRICT]
    tree = [
        {
            "area": major,
            "districts": [
                {"area": district, "sub_districts": by_parent.get(district.pk, [])}
                for district in by_parent.get(major.pk, [])
            ],
        }
        for major in majors
    ]
    neighbourhoods = [a for a in areas if a.level == District.Level.NEIGHBOURHOOD]
    return render(
        request,
        "maps/list.html",
        {"tree": tree, "neighbourhoods": neighbourhoods},
    )


def area_or_404(level: str, code: str) -> District:
    area = area_get(level=level, code=code)
    if area is None:
        raise Http404(_("No such area."))
    return area


def population_context(area: District) -> dict[str, Any]:
    """The latest population and its year, and every year's, newest first."""
    population = population_by_year(area)
    latest_year = max(population) if population else None
    return {
        "population": population.get(latest_year) if latest_year else None,
        "population_year": latest_year,
        "population_by_year": sorted(population.items(), reverse=True),
    }


def area_page(request: HttpRequest, level: str, code: str) -> HttpResponse:
    area = area_or_404(level, code)
    children = list(area.children.defer("boundary").order_by("code"))
    outlines = District.objects.filter(pk=area.pk) | District.objects.filter(
        parent=area
    )
    config = {
        "mode": "area",
        "focus": f"{area.level}:{area.code}",
        "areas": outline_features(outlines, tolerance=AREA_TOLERANCE),
        "basemap": _basemap(),
        "leaflet": _leaflet_options(),
        "strings": _js_strings(),
    }
    context: dict[str, Any] = {
        "area": area,
        "ancestors": list(reversed(area.ancestors())),
        "children": children,
        **population_context(area),
        "config": config,
        **area_contents(area, viewer_of(request)),
    }
    return render(request, "maps/area.html", context)


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    places = place_search(query) if query else []
    if request.GET.get("format") == "json":
        return JsonResponse({"query": query, "places": places})
    return render(request, "maps/search.html", {"query": query, "places": places})


def item_page(request: HttpRequest, collection: str, item_id: int) -> HttpResponse:
    """One item's page; ``?format=json`` gives the map's popup the same
    essentials, areas and link."""
    layer = get_layer(collection)
    item = layer.get_feature(viewer_of(request), str(item_id)).first()
    if item is None:
        raise Http404(_("No such item."))
    summary = item_summary(request, layer, item)
    if request.GET.get("format") == "json":
        return JsonResponse(summary)
    # A facility's page offers feedback about it, routed by its kind.
    feedback_url = (
        reverse("feedback-pages:new") + f"?facility={item.pk}"
        if collection == "facilities"
        else None
    )
    context = {
        "item": item,
        "summary": summary,
        "layer_title": layer_title(layer.name),
        "feedback_url": feedback_url,
    }
    if isinstance(item, BudgetProposal):
        context["similar"] = similar_links(item)
    return render(request, "maps/item.html", context)


# folium writes its map as inline script and styles. The report alone allows
# them; every source is still this site, as the default policy requires.
REPORT_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


def area_report(request: HttpRequest, level: str, code: str) -> HttpResponse:
    area = area_or_404(level, code)
    context = {
        "area": area,
        **population_context(area),
        "children": list(area.children.defer("boundary").order_by("code")),
        "map": map_parts(area_map(area)),
        "today": timezone.localdate(),
        **area_contents(area, viewer_of(request)),
    }
    response = render(request, "maps/report.html", context)
    response["Content-Security-Policy"] = REPORT_CSP
    return response
