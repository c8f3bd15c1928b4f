"""The OpenAPI 3.0 document of the OGC API (its ``service-desc``).

Built by hand from the layer registry: the OGC API's paths are fixed by the
standard, and each collection gets its own items path so clients (GDAL)
see its filters. Each collection's features are typed from the fields its
rows carry, and its filter parameters come from the layer's own filter
declarations (maps.layers), so the document cannot miss one.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from geo.params import MAX_TILE_ZOOM
from geo.tiles import CELLS, MAX_FEATURES
from maps.layers import AREA_FILTERS, LAYERS, Layer
from maps.ogc import DEFAULT_LIMIT, GEOJSON, JSON, MAX_LIMIT, OPENAPI
from maps.tiles import MVT, aggregates
from participation.measures import MEASURES
from web.openapi import GEOMETRY

SCHEMA_JSON = "application/schema+json"


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
    "count": parameter(
        "count",
        "false: no numberMatched, which saves counting every match of a large "
        "query. A count is kept until the collection's data changes.",
        {"type": "boolean", "default": True},
    ),
}
ITEM_PARAMETERS = (
    "bbox",
    "limit",
    "offset",
    "datetime",
    "filter",
    "filter-lang",
    "count",
)


def filter_parameters(layer: Layer | None) -> list[dict]:
    """The filter parameters of a layer's items: the area filters every
    layer takes, then its own; of every layer for the generic path, where
    a filter whose values differ between layers takes any."""
    own: dict[str, dict] = {}
    for shown in [layer] if layer else LAYERS.values():
        for name, found in shown.filters.items():
            described = parameter(name, found.description, found.schema, **found.style)
            if own.setdefault(name, described)["schema"] != found.schema:
                own[name] = parameter(
                    name,
                    "Values of the collection's own choices, comma-separated.",
                    {"type": "array", "items": STRING},
                    **found.style,
                )
        for name in shown.parameters:
            own.setdefault(name, SHAPE_PARAMETERS[name])
    return [
        *(parameter(name, **doc) for name, doc in AREA_FILTERS.items()),
        *own.values(),
    ]


# The parameters that shape a layer's rows rather than narrow them
# (Layer.parameters: the participation measures).
SHAPE_PARAMETERS = {
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
    "round": parameter("round", "Budgeting round number.", STRING),
    "year": parameter("year", "A calendar year (participation).", STRING),
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(required: list[str], properties: dict[str, Any], **extra: Any) -> dict:
    """An object with exactly these members (the required ones always)."""
    return {
        "type": "object",
        **({"required": required} if required else {}),
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


URI = {"type": "string", "format": "uri"}
# A date or a date-time, as the layer's temporal field has it; null: open.
INSTANT = {"type": "string", "nullable": True}
# Links only on a single feature (the item path).
FEATURE = closed(
    ["type", "id", "geometry", "properties"],
    {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "integer"}, STRING]},
        # An unlocated case has no geometry.
        "geometry": {"allOf": [ref("Geometry")], "nullable": True},
        "properties": {"type": "object"},
        "links": array(ref("Link")),
    },
)
COMMON_SCHEMAS: dict[str, Any] = {
    "Link": closed(
        ["href", "rel", "type"],
        {"href": URI, "rel": STRING, "type": STRING, "title": STRING},
    ),
    "LandingPage": closed(
        ["title", "description", "links"],
        {"title": STRING, "description": STRING, "links": array(ref("Link"))},
    ),
    "Conformance": closed(["conformsTo"], {"conformsTo": array(URI, minItems=1)}),
    "Extent": closed(
        [],
        {
            "spatial": closed(
                ["bbox", "crs"],
                {
                    "bbox": array(
                        array({"type": "number"}, minItems=4, maxItems=4), minItems=1
                    ),
                    "crs": URI,
                },
            ),
            "temporal": closed(
                ["interval", "trs"],
                {
                    "interval": array(
                        array(INSTANT, minItems=2, maxItems=2), minItems=1
                    ),
                    "trs": URI,
                },
            ),
        },
    ),
    "Collection": closed(
        ["id", "title", "description", "itemType", "crs", "extent", "links"],
        {
            "id": {"type": "string", "enum": list(LAYERS)},
            "title": STRING,
            "description": STRING,
            "itemType": {"type": "string", "enum": ["feature"]},
            "crs": array(URI, minItems=1),
            "extent": ref("Extent"),
            "links": array(ref("Link")),
        },
    ),
    "Collections": closed(
        ["links", "collections"],
        {"links": array(ref("Link")), "collections": array(ref("Collection"))},
    ),
    # A JSON Schema (draft 2019-09) of a collection's queryables.
    "Queryables": closed(
        ["$schema", "$id", "type", "title", "properties"],
        {
            "$schema": URI,
            "$id": URI,
            "type": {"type": "string", "enum": ["object"]},
            "title": STRING,
            "properties": {
                "type": "object",
                "additionalProperties": {"type": "object"},
            },
        },
    ),
    "Geometry": GEOMETRY,
    # Feature of any collection: the generic items and item paths.
    "Feature": FEATURE,
    "FeatureCollection": closed(
        # numberMatched is left out when the client asks (count=false).
        ["type", "timeStamp", "numberReturned", "links", "features"],
        {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "links": array(ref("Link")),
            "features": array(ref("Feature")),
        },
    ),
    # web.errors: {"detail": message}, and messages per field beside it.
    "Exception": {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": STRING},
        "additionalProperties": array(STRING),
    },
    "TileJSON": closed(
        [
            "tilejson",
            "name",
            "description",
            "attribution",
            "tiles",
            "minzoom",
            "maxzoom",
            "bounds",
            "center",
            "vector_layers",
        ],
        {
            "tilejson": {"type": "string", "enum": ["3.0.0"]},
            "name": {"type": "string", "enum": list(LAYERS)},
            "description": STRING,
            "attribution": STRING,
            "tiles": array(STRING, minItems=1),
            "minzoom": {"type": "integer", "minimum": 0, "maximum": 30},
            "maxzoom": {"type": "integer", "minimum": 0, "maximum": 30},
            "bounds": array({"type": "number"}, minItems=4, maxItems=4),
            "center": array({"type": "number"}, minItems=3, maxItems=3),
            "vector_layers": array(
                closed(
                    ["id", "description", "fields"],
                    {
                        "id": STRING,
                        "description": STRING,
                        "fields": {
                            "type": "object",
                            "additionalProperties": STRING,
                        },
                    },
                ),
                minItems=1,
            ),
        },
    ),
}


def value_schema(field: models.Field, nullable: bool) -> dict[str, Any]:
    """The JSON that PostGIS' json_build_object makes of a column."""
    if isinstance(field, models.BooleanField):
        schema: dict[str, Any] = {"type": "boolean"}
    elif isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        schema = {"type": "integer"}
    elif isinstance(field, models.DecimalField | models.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, models.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, models.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, models.CharField | models.TextField):
        schema = {"type": "string"}
        if field.choices:
            schema["enum"] = [str(value) for value, _ in field.flatchoices]
    else:
        schema = {}
    return {**schema, "nullable": True} if nullable and schema else schema


def properties_schema(layer: Layer) -> dict[str, Any]:
    """A layer's feature properties, typed by the fields its rows carry
    (its id field first, as geo.geojson writes it)."""
    rows = layer.rows(AnonymousUser())
    properties = {}
    for name in dict.fromkeys([layer.id_field, *layer.properties]):
        if name in rows.query.annotations:
            # Annotations follow joins that may find nothing (a forum of a
            # custom area has no area_code).
            field, nullable = rows.query.annotations[name].output_field, True
        else:
            field = rows.model._meta.get_field(name)
            nullable = field.null
        properties[name] = value_schema(field, nullable)
    return closed(list(properties), properties)


def layer_schemas(name: str, layer: Layer) -> dict[str, Any]:
    key = "".join(part.title() for part in name.split("-"))
    id_type = (
        value_schema(layer.rows(AnonymousUser()).model._meta.get_field("id"), False)
        if layer.id_field == "id"
        else STRING
    )
    feature = {
        **FEATURE,
        "properties": {
            **FEATURE["properties"],
            "id": id_type,
            "properties": ref(f"{key}Properties"),
        },
    }
    return {
        f"{key}Properties": properties_schema(layer),
        f"{key}Feature": feature,
        f"{key}FeatureCollection": {
            **COMMON_SCHEMAS["FeatureCollection"],
            "properties": {
                **COMMON_SCHEMAS["FeatureCollection"]["properties"],
                "features": array(ref(f"{key}Feature")),
            },
        },
    }


def answer(
    description: str, schema: str, content_type: str = JSON, *errors: str
) -> dict[str, Any]:
    responses = {
        "200": {
            "description": description,
            "content": {content_type: {"schema": ref(schema)}},
        },
        "400": ERROR,
    }
    for code in errors:
        responses[code] = ERRORS[code]
    return responses


def error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {JSON: {"schema": ref("Exception")}},
    }


ERROR = error("Bad input; the message says what is wrong.")
ERRORS = {
    "404": error("No such collection or feature."),
    "413": error("A filter geometry over the size limit."),
}
COLLECTION_ID = {
    "name": "collectionId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(LAYERS)},
}
FEATURE_ID = {"name": "featureId", "in": "path", "required": True, "schema": STRING}


def items_operation(name: str | None, title: str, schema: str) -> dict:
    return {
        "summary": f"{title}: features",
        "operationId": f"items_{name or 'any'}".replace("-", "_"),
        "parameters": [
            *([] if name else [COLLECTION_ID]),
            *(PARAMETERS[p] for p in ITEM_PARAMETERS),
            *filter_parameters(LAYERS[name] if name else None),
        ],
        "responses": answer("A page of features", schema, GEOJSON, "404", "413"),
    }


def tile_operation() -> dict[str, Any]:
    """The vector tile of any collection, with the point layers' counts
    below TILE_AGGREGATE_BELOW_ZOOM (maps.tiles)."""
    below = settings.TILE_AGGREGATE_BELOW_ZOOM
    points = ", ".join(name for name, layer in LAYERS.items() if aggregates(layer))

    def axis(name: str, maximum: int | None = None) -> dict[str, Any]:
        bounds = {"minimum": 0, **({"maximum": maximum} if maximum else {})}
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", **bounds},
        }

    return {
        "summary": "A collection's vector tile (Mapbox Vector Tile)",
        "description": (
            f"One layer named after the collection. Point collections ({points}) "
            f"below zoom {below}: one point per non-empty cell of a "
            f"{CELLS}x{CELLS} grid over the tile, at the cell's centre, with "
            "count (every item of the tile whose point lies in the "
            "cell, none left out) and count_<value> per value of its status "
            f"(facilities: kind). From zoom {below}, and for areas at every "
            "zoom, the features themselves, at most limit per tile. The "
            "TileJSON lists each layer's fields."
        ),
        "operationId": "tile",
        "parameters": [
            COLLECTION_ID,
            axis("z", MAX_TILE_ZOOM),
            axis("x"),
            axis("y"),
            parameter(
                "aggregate",
                f"true: counts per cell at any zoom (point collections only); "
                f"false: the items even below zoom {below}. Default: counts "
                f"below zoom {below}.",
                {"type": "boolean"},
            ),
            parameter(
                "limit",
                "The most items a tile of items holds (not a tile of counts).",
                {"type": "integer", "minimum": 1, "maximum": MAX_FEATURES},
            ),
            parameter(
                "properties",
                "Only these of the collection's tile fields, comma-separated (a "
                "tile of items).",
                {"type": "array", "items": STRING},
                style="form",
                explode=False,
            ),
            *filter_parameters(None),
        ],
        "responses": {
            "200": {
                "description": "The tile",
                "content": {MVT: {"schema": {"type": "string", "format": "binary"}}},
            },
            "204": {"description": "Nothing in the tile."},
            "304": {"description": "Not modified (If-None-Match)."},
            "400": ERROR,
            "404": ERRORS["404"],
        },
    }


def document(base: str) -> dict[str, Any]:
    ogc = reverse("maps:ogc-landing").rstrip("/")
    tilejson = reverse("maps:layer-tilejson", args=["{collectionId}"])
    schemas = dict(COMMON_SCHEMAS)
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "landing",
                "responses": answer("Links to the API's resources", "LandingPage"),
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "conformance",
                "responses": answer("The conformance classes", "Conformance"),
            }
        },
        "/collections": {
            "get": {
                "summary": "Collections",
                "operationId": "collections",
                "responses": answer("Every collection", "Collections"),
            }
        },
        "/collections/{collectionId}": {
            "get": {
                "summary": "One collection",
                "operationId": "collection",
                "parameters": [COLLECTION_ID],
                "responses": answer("The collection", "Collection", JSON, "404"),
            }
        },
        "/collections/{collectionId}/queryables": {
            "get": {
                "summary": "Queryables",
                "operationId": "queryables",
                "parameters": [COLLECTION_ID],
                "responses": answer(
                    "JSON Schema of the queryables", "Queryables", SCHEMA_JSON, "404"
                ),
            }
        },
        "/collections/{collectionId}/items": {
            "get": items_operation(None, "Any", "FeatureCollection")
        },
        "/collections/{collectionId}/items/{featureId}": {
            "get": {
                "summary": "One feature",
                "operationId": "item",
                "parameters": [COLLECTION_ID, FEATURE_ID],
                "responses": answer("The feature", "Feature", GEOJSON, "404"),
            }
        },
    }
    for name, layer in LAYERS.items():
        typed = layer_schemas(name, layer)
        schemas.update(typed)
        collection = next(key for key in typed if key.endswith("FeatureCollection"))
        paths[f"/collections/{name}/items"] = {
            "get": items_operation(name, layer.title, collection)
        }
    # A feature of any collection has the properties of one of them.
    schemas["Feature"] = {
        **FEATURE,
        "properties": {
            **FEATURE["properties"],
            "properties": {
                "anyOf": [ref(key) for key in schemas if key.endswith("Properties")]
            },
        },
    }
    # The vector tiles sit beside the OGC API, not under it.
    paths[tilejson.replace("%7B", "{").replace("%7D", "}")] = {
        "servers": [{"url": base}],
        "get": {
            "summary": "A collection's vector tiles (TileJSON)",
            "operationId": "tilejson",
            "parameters": [COLLECTION_ID],
            "responses": answer("TileJSON 3.0", "TileJSON", JSON, "404"),
        },
    }
    tile = reverse("maps:layer-tile", args=["{collectionId}", 0, 0, 0])
    tile = tile.replace("%7B", "{").replace("%7D", "}").removesuffix("/0/0/0.pbf")
    paths[tile + "/{z}/{x}/{y}.pbf"] = {
        "servers": [{"url": base}],
        "get": tile_operation(),
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
        "components": {"schemas": schemas},
    }


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        document(request.build_absolute_uri("/").rstrip("/")), content_type=OPENAPI
    )
