"""Residents' pages: the map, the list view, area pages and search.

Plain Django views. Data comes from the selectors of the apps the pages
show; layer URLs are reversed here and handed to the page's JS through
``json_script``, so the JS holds no URLs and no rules.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from leaflet.templatetags.leaflet_tags import leaflet_map

from budgeting.selectors import phases_open_on
from cases.models import BudgetProposal, Case, Facility
from districts.models import District
from districts.selectors import (
    LEVELS,
    area_get,
    area_list,
    custom_area_get,
    locate,
    population_by_year,
)
from forums.pages import follow_button
from forums.selectors import meeting_list
from geo import srid
from geo.params import parse_lon_lat
from geo.tiles import CELLS
from initiatives.views import similar_links
from maps import listing
from maps.area_contents import area_contents, custom_area_contents
from maps.features import (
    TITLE_FIELDS,
    filter_default,
    filter_label,
    filter_options,
    item_page_url,
    item_summary,
    item_title,
    layer_title,
    offered_layers,
)
from maps.gazetteer import place_search
from maps.layers import get_layer
from maps.outlines import AREA_TOLERANCE, area_url, outline_features
from maps.reports import area_map, map_parts
from web.basemap import basemap
from web.errors import bad_input_is_400
from web.viewer import viewer_of

# A map click names the areas finest first: "Kluuvi · Vironniemi · Eteläinen",
# then the neighbourhood, which is a division of its own.
WHERE_ORDER = (
    District.Level.SUB_DISTRICT,
    District.Level.DISTRICT,
    District.Level.MAJOR_DISTRICT,
    District.Level.NEIGHBOURHOOD,
)
# Levels the map adds as it is zoomed in, with their simplification
# tolerance in metres (under a pixel at the zoom they appear at).
ZOOM_LEVELS: dict[str, float] = {
    District.Level.DISTRICT: 15.0,
    District.Level.SUB_DISTRICT: 8.0,
    District.Level.NEIGHBOURHOOD: 8.0,
}
# Items listed per layer beside the map: enough to browse, small to fetch.
IN_VIEW_LIMIT = 20
# Points per vector tile on the map: enough to show where things are at a
# city-wide zoom; zooming in shows every item (smaller tiles, same cap).
TILE_LIMIT = 1500


def _zoom_levels() -> list[dict[str, Any]]:
    """Finer areas the city map adds as it is zoomed in: outlines from
    ``min_zoom``, names until ``label_max_zoom``."""
    steps = (
        (District.Level.DISTRICT, 12, 13),
        (District.Level.NEIGHBOURHOOD, 13, 14),
        (District.Level.SUB_DISTRICT, 14, 18),
    )
    return [
        {
            "level": level,
            "minZoom": min_zoom,
            "labelMaxZoom": label_max_zoom,
            "url": reverse("pages:outlines", args=[level]),
        }
        for level, min_zoom, label_max_zoom in steps
    ]


def _water() -> list[dict[str, Any]]:
    """The sea area, drawn as water when no basemap draws it."""
    sea = District.objects.filter(is_sea=True, level=District.Level.SUB_DISTRICT)
    return outline_features(sea)


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
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "close": _("Close"),
        "here": _("Here"),
        "locating": _("Finding your location…"),
        "locationFailed": _("Your location could not be found."),
        "outsideHelsinki": _("Your location is not in Helsinki."),
        "basemapCredit": _("Map"),
        # %s: e.g. "Cases 1 234, Facilities about 56".
        "mapCount": _("In this view: %s."),
        "about": _("about %s"),
        "atLeast": _("at least %s"),
        "tileCapped": _(
            "Some places hold more items than the map draws (at most %s per "
            "tile), so points lie on top of each other there. Zoom in, or use "
            "the list beside the map."
        ),
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
                # Tiles of this version may come from any cache (maps.tiles).
                "version": layer.data_version(),
                "items": reverse("maps:ogc-items", args=[layer.name]),
                "page": page_prefix.removesuffix("/0/") + "/{id}/",
                "titleFields": title_fields,
                "filters": [
                    {
                        "param": param,
                        "label": filter_label(layer.name, param),
                        "default": filter_default(param),
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
        "aggregateBelowZoom": settings.TILE_AGGREGATE_BELOW_ZOOM,
        "aggregateCells": CELLS,
        "query": reverse("maps:polygon-query"),
        "downloads": [
            {"value": "geojson", "label": _("Download GeoJSON")},
            {"value": "csv", "label": _("Download CSV")},
            {"value": "gpkg", "label": _("Download GeoPackage")},
        ],
        "downloadName": _("piiri-area"),
        "where": reverse("pages:where"),
        "zoomLevels": _zoom_levels(),
        "water": _water(),
        "language": (get_language() or "fi")[:2],
        "basemap": basemap(),
        "leaflet": _leaflet_options(),
        "strings": _js_strings(),
    }
    return render(
        request,
        "maps/map.html",
        {
            "config": config,
            "major_districts": major_districts(),
            **take_part_now(request),
        },
    )


# Rows per kind in "take part now": a glance, the lists have the rest.
NOW_ROWS = 5


def take_part_now(request: HttpRequest) -> dict[str, Any]:
    """What a resident can take part in today: open budgeting phases with
    their last day, the next meetings, and recently opened cases of the
    topics residents can influence."""
    cases = (
        Case.objects.for_residents()
        .filter(status=Case.Status.PENDING)
        .order_by("-opened_on", "-id")[:NOW_ROWS]
    )
    meetings = meeting_list(viewer=viewer_of(request), since=timezone.now())
    return {
        "open_phases": list(phases_open_on(timezone.localdate())[:NOW_ROWS]),
        "next_meetings": list(meetings[:NOW_ROWS]),
        "recent_cases": [
            {"title": item_title(case), "url": item_page_url("cases", case.pk)}
            for case in cases
        ],
    }


def area_tree() -> dict[str, Any]:
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
    return {"tree": tree, "neighbourhoods": neighbourhoods}


def list_page(request: HttpRequest) -> HttpResponse:
    """Every item the map shows, as a list: one collection at a time,
    filtered by area, the layer's filters and text, a page at a time."""
    params = request.GET
    names = dict(listing.collections())
    collection = params.get("collection") or listing.DEFAULT_COLLECTION
    context: dict[str, Any] = {
        "collections": names.items(),
        "collection": collection,
        "query": params.get("q", ""),
        "area_ref": params.get("area", ""),
        "error": "",
        **area_tree(),
    }
    status = 200
    if collection not in names:
        context["error"] = _("No such list.")
        return render(request, "maps/list.html", context, status=400)
    context["filters"] = listing.list_filters(collection, params)
    context["collection_title"] = names[collection]
    if ref := params.get("area"):
        level, _sep, code = ref.partition(":")
        context["area"] = area_get(level=level, code=code) if level in LEVELS else None
        if context["area"] is None:
            context["error"] = _("No such area.")
            return render(request, "maps/list.html", context, status=400)
    try:
        rows = listing.item_list(collection, params, viewer_of(request))
        page = listing.page_of(rows, params.get("page"))
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "maps/list.html", context, status=400)
    detail = {"cases": "status", "facilities": "kind", "budget-proposals": "status"}
    context["page"] = page
    context["rows"] = [
        {
            "title": item_title(item),
            "url": item_page_url(collection, item.pk),
            "detail": str(getattr(item, f"get_{detail[collection]}_display")())
            if collection in detail
            else "",
        }
        for item in page.object_list
    ]
    other = params.copy()
    other.pop("page", None)
    context["page_query"] = other.urlencode()
    return render(request, "maps/list.html", context, status=status)


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
        "where": reverse("pages:where"),
        "basemap": basemap(),
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
        "follow": follow_button(request, district=area),
    }
    return render(request, "maps/area.html", context)


def custom_area_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A drawn area: what lies in it (by geometry) and its forums. Another
    user's private area is a 404, as if it did not exist."""
    viewer = viewer_of(request)
    area = custom_area_get(viewer=viewer, pk=pk)
    if area is None:
        raise Http404(_("No such area."))
    return render(
        request,
        "maps/custom_area.html",
        {
            "area": area,
            **custom_area_contents(area, viewer),
            "follow": follow_button(request, custom_area=area),
        },
    )


@bad_input_is_400
def where_page(request: HttpRequest) -> JsonResponse:
    """Every official area a point lies in, finest first, each with its name
    in the page's language and its page: what a map click answers."""
    found = locate(parse_lon_lat(request.GET))
    areas = []
    for level in WHERE_ORDER:
        ref = found.get(level)
        if ref is None:
            continue
        language = (get_language() or "fi")[:2]
        areas.append(
            {
                "level": level,
                "level_label": str(District.Level(level).label),
                "code": ref["code"],
                "name": ref.get(f"name_{language}") or ref["name_fi"],
                "url": area_url(level, ref["code"]),
            }
        )
    return JsonResponse({"areas": areas})


def outlines_page(request: HttpRequest, level: str) -> JsonResponse:
    """One level's simplified outlines with names and label points, which
    the map draws as it is zoomed in."""
    if level not in ZOOM_LEVELS:
        raise Http404(_("No such area level."))
    rows = District.objects.at_level(level).on_land()
    features = outline_features(rows, tolerance=ZOOM_LEVELS[level])
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=3600"
    return response


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
    context: dict[str, Any] = {
        "item": item,
        "summary": summary,
        "layer_title": layer_title(layer.name),
        **item_details(item),
        # A facility's page offers feedback about it, routed by its kind.
        "feedback_url": (
            reverse("feedback-pages:new") + f"?facility={item.pk}"
            if collection == "facilities"
            else None
        ),
    }
    point = getattr(item, "location", None)
    if point is not None and not point.empty:
        marker = point.transform(srid.GEOJSON, clone=True).point_on_surface
        # The sub-districts it lies in, so the map orients without a basemap.
        around = District.objects.filter(
            pk__in=item.areas.values("pk"), level=District.Level.SUB_DISTRICT
        ).on_land()
        context["config"] = {
            "mode": "item",
            "areas": outline_features(around, tolerance=AREA_TOLERANCE),
            "point": [round(marker.x, 6), round(marker.y, 6)],
            "basemap": basemap(),
            "leaflet": _leaflet_options(),
            "strings": _js_strings(),
        }
    if isinstance(item, BudgetProposal):
        context["similar"] = similar_links(item)
    return render(request, "maps/item.html", context)


def item_details(item: Any) -> dict[str, Any]:
    """What an item's page shows beyond the popup's essentials: a
    facility's address in the page's language, accessibility notes and
    booking link; a case's documents in Ahjo."""
    language = (get_language() or "fi")[:2]
    if isinstance(item, Facility):
        address = getattr(item, f"address_{language}", "") or item.address_fi
        return {
            "address": address,
            "accessibility": item.accessibility,
            "booking_url": item.booking_url,
        }
    if isinstance(item, Case):
        return {
            "documents": [
                link
                for link in item.links
                if isinstance(link, dict) and link.get("url")
            ]
        }
    return {}


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
        **area_contents(area, viewer_of(request), limit=None),
    }
    response = render(request, "maps/report.html", context)
    response["Content-Security-Policy"] = REPORT_CSP
    return response
