"""The OpenAPI 3.0 document of the OGC API (its ``service-desc``).

Built by hand from the layer registry: the OGC API's paths are fixed by the
standard, and each collection gets its own items path so clients (GDAL)
see its filters.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from maps.layers import LAYERS
from maps.ogc import DEFAULT_LIMIT, GEOJSON, JSON, MAX_LIMIT, OPENAPI
from participation.measures import MEASURES


def parameter(name: str, description: str, schema: dict, **extra: Any) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


STRING = {"type": "string"}
PARAMETERS = {
    "bbox": parameter(
        "bbox",
        "west,south,east,north in WGS84 lon/lat.",
        {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        style="form",
        explode=False,
    ),
    "limit": parameter(
        "limit",
        f"Features per page; over {MAX_LIMIT} is refused with 400.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": DEFAULT_LIMIT,
        },
        style="form",
        explode=False,
    ),
    "offset": parameter(
        "offset",
        "Features to skip (follow the next link).",
        {"type": "integer", "minimum": 0, "default": 0},
    ),
    "datetime": parameter(
        "datetime", "An RFC 3339 instant or interval (a/b, ..).", STRING
    ),
    "filter": parameter(
        "filter",
        "CQL2 text: S_INTERSECTS(geometry, <WKT>), S_WITHIN(geometry, <WKT>), "
        "property = 'value', joined by AND.",
        STRING,
    ),
    "filter-lang": parameter(
        "filter-lang", "Only cql2-text.", {"type": "string", "enum": ["cql2-text"]}
    ),
    "area": parameter(
        "area", "An official area, <level>:<code> (district:101).", STRING
    ),
    "custom_area": parameter("custom_area", "A custom area id.", {"type": "integer"}),
    "measure": parameter(
        "measure",
        "What is counted (participation).",
        {"type": "string", "enum": list(MEASURES)},
    ),
    "level": parameter(
        "level",
        "Areas counted for (participation).",
        {"type": "string", "enum": ["district", "major_district"]},
    ),
    "round": parameter("round", "Budgeting round number(s).", STRING),
    "year": parameter("year", "A calendar year (participation).", STRING),
    "status": parameter("status", "Statuses, comma-separated.", STRING),
    "kind": parameter("kind", "Kinds, comma-separated.", STRING),
}
COLLECTION_ID = {
    "name": "collectionId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(LAYERS)},
}
FEATURE_ID = {"name": "featureId", "in": "path", "required": True, "schema": STRING}
ERROR = {
    "description": "Bad input; the message says what is wrong.",
    "content": {JSON: {"schema": {"type": "object"}}},
}
NOT_FOUND = {
    "description": "No such collection or feature.",
    "content": {JSON: {"schema": {"type": "object"}}},
}


def answer(description: str, content_type: str = JSON) -> dict:
    return {
        "200": {
            "description": description,
            "content": {content_type: {"schema": {"type": "object"}}},
        },
        "400": ERROR,
    }


def items_operation(name: str | None, title: str) -> dict:
    own = (
        (*LAYERS[name].filters, *LAYERS[name].parameters)
        if name
        else ("status", "kind")
    )
    filters = ("area", "custom_area", *own)
    return {
        "summary": f"{title}: features",
        "operationId": f"items_{name or 'any'}".replace("-", "_"),
        "parameters": [
            *([] if name else [COLLECTION_ID]),
            *(
                PARAMETERS[p]
                for p in (
                    "bbox",
                    "limit",
                    "offset",
                    "datetime",
                    "filter",
                    "filter-lang",
                )
            ),
            *(PARAMETERS[p] for p in filters if p in PARAMETERS),
        ],
        "responses": {**answer("A page of features", GEOJSON), "404": NOT_FOUND},
    }


def document(base: str) -> dict[str, Any]:
    ogc = reverse("maps:ogc-landing").rstrip("/")
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "landing",
                "responses": answer("Links to the API's resources"),
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "conformance",
                "responses": answer("The conformance classes"),
            }
        },
        "/collections": {
            "get": {
                "summary": "Collections",
                "operationId": "collections",
                "responses": answer("Every collection"),
            }
        },
        "/collections/{collectionId}": {
            "get": {
                "summary": "One collection",
                "operationId": "collection",
                "parameters": [COLLECTION_ID],
                "responses": {**answer("The collection"), "404": NOT_FOUND},
            }
        },
        "/collections/{collectionId}/queryables": {
            "get": {
                "summary": "Queryables",
                "operationId": "queryables",
                "parameters": [COLLECTION_ID],
                "responses": {
                    **answer(
                        "JSON Schema of the queryables", "application/schema+json"
                    ),
                    "404": NOT_FOUND,
                },
            }
        },
        "/collections/{collectionId}/items": {"get": items_operation(None, "Any")},
        "/collections/{collectionId}/items/{featureId}": {
            "get": {
                "summary": "One feature",
                "operationId": "item",
                "parameters": [COLLECTION_ID, FEATURE_ID],
                "responses": {**answer("The feature", GEOJSON), "404": NOT_FOUND},
            }
        },
    }
    for name, layer in LAYERS.items():
        paths[f"/collections/{name}/items"] = {
            "get": items_operation(name, layer.title)
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Piiri OGC API - Features",
            "version": "1.0.0",
            "description": "Helsinki's areas and what lies in them. Data: City "
            "of Helsinki, Helsinki Region Infoshare, CC BY 4.0.",
            "license": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "servers": [{"url": base + ogc}],
        "paths": paths,
    }


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        document(request.build_absolute_uri("/").rstrip("/")), content_type=OPENAPI
    )
