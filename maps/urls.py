from django.urls import path

from maps import equity, ogc, openapi, pages, query, tiles
from maps.feeds import AreaFeed

app_name = "maps"

urlpatterns = [
    path("ogc/", ogc.landing, name="ogc-landing"),
    path("ogc/api", openapi.openapi, name="ogc-openapi"),
    path("ogc/conformance", ogc.conformance, name="ogc-conformance"),
    path("ogc/collections", ogc.collections, name="ogc-collections"),
    path(
        "ogc/collections/<str:collection_id>",
        ogc.collection,
        name="ogc-collection",
    ),
    path(
        "ogc/collections/<str:collection_id>/queryables",
        ogc.queryables,
        name="ogc-queryables",
    ),
    path(
        "ogc/collections/<str:collection_id>/items",
        ogc.items,
        name="ogc-items",
    ),
    path(
        "ogc/collections/<str:collection_id>/items/<str:feature_id>",
        ogc.item,
        name="ogc-item",
    ),
    path("api/v1/query", query.polygon_query, name="polygon-query"),
    path("tiles/<str:collection>.json", tiles.layer_tilejson, name="layer-tilejson"),
    path(
        "tiles/<str:collection>/<str:z>/<str:x>/<str:y>.pbf",
        tiles.layer_tile,
        name="layer-tile",
    ),
]

# Residents' pages, mounted under a language prefix by config/urls.py
# (i18n_patterns) in the "pages" namespace.
page_urlpatterns = [
    path("", pages.map_page, name="map"),
    path("list/", pages.list_page, name="list"),
    path("search/", pages.search_page, name="search"),
    path("where/", pages.where_page, name="where"),
    path("outlines/<str:level>.json", pages.outlines_page, name="outlines"),
    path("areas/<str:level>/<str:code>/", pages.area_page, name="area"),
    path("custom-areas/<int:pk>/", pages.custom_area_page, name="custom-area"),
    path("areas/<str:level>/<str:code>/feed/", AreaFeed(), name="area-feed"),
    path(
        "areas/<str:level>/<str:code>/report/",
        pages.area_report,
        name="area-report",
    ),
    path("items/<str:collection>/<int:item_id>/", pages.item_page, name="item"),
    path("participation/", equity.equity_page, name="equity"),
    path(
        "participation/report/<int:year>/",
        equity.report_page,
        name="participation-report",
    ),
]
