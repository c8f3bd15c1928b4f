"""What the JSON APIs' OpenAPI document (drf-spectacular) says about their
answers: GeoJSON geometries, constant members, and response objects that
carry exactly their declared members."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# RFC 7946 geometries; the coordinates' depth depends on the type.
GEOMETRY = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {
            "type": "string",
            "enum": [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon",
                "GeometryCollection",
            ],
        },
        "coordinates": {"type": "array"},
        "geometries": {"type": "array", "items": {"type": "object"}},
        "bbox": {"type": "array", "items": {"type": "number"}},
    },
    "additionalProperties": False,
}


@extend_schema_field(GEOMETRY)
class GeometryField(serializers.JSONField):
    """A GeoJSON geometry (WGS84 lon/lat), already rendered."""


def constant(value: str) -> serializers.Field:
    """A member that always has this value (``"type": "Feature"``)."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Constant(serializers.CharField):
        pass

    return Constant()


def close_response_objects(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: a component that only answers
    (never a request body) has exactly its declared properties.

    The answers are built from fixed members, so a member that appears or
    vanishes is drift that schemathesis' response check should catch. Free
    maps (a JSONField, a DictField) declare no properties and stay open.
    """
    schemas = result.get("components", {}).get("schemas", {})
    answers: set[str] = set()
    requests: set[str] = set()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                _collect(response, schemas, answers)
                for content in response.get("content", {}).values():
                    _close(content.get("schema"))
            _collect(operation.get("requestBody", {}), schemas, requests)
    for name in answers - requests:
        _close(schemas[name])
    return result


def _collect(node: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    if isinstance(node, dict):
        target = node.get("$ref", "")
        if target.startswith("#/components/schemas/"):
            name = target.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                _collect(schemas.get(name), schemas, seen)
        for value in node.values():
            _collect(value, schemas, seen)
    elif isinstance(node, list):
        for value in node:
            _collect(value, schemas, seen)


def _close(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    for member in schema.get("properties", {}).values():
        _close(member)
    for key in ("items", "additionalProperties"):
        _close(schema.get(key))
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, ()):
            _close(part)
