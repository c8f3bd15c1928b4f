from django.urls import path

from maps import ogc, openapi, query, tiles

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
