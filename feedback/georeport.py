"""Open311 GeoReport v2 documents, in JSON and in XML, as the spec shapes
them (wiki.open311.org/GeoReport_v2): services, service definitions,
service requests, the POST answer and errors."""

import json
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from feedback.models import Feedback, Service, ServiceAttribute

FORMATS = {"json": "application/json", "xml": "text/xml"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"
# The tag of one member of a list, in XML.
MEMBER = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "replies": "reply",
    "areas": "area",
}


def w3c(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(tag: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, member in value.items():
            element.append(_element(key, member))
    elif isinstance(value, list):
        for member in value:
            element.append(_element(MEMBER.get(tag, "item"), member))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def respond(document: Any, fmt: str, root: str, *, status: int = 200) -> HttpResponse:
    """``document`` (a list or a dict) as JSON, or as XML under ``root``."""
    if fmt == "xml":
        body = ElementTree.tostring(
            _element(root, document), encoding="utf-8", xml_declaration=True
        )
    else:
        body = json.dumps(document, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    # The same in every language: no Vary on the locale.
    response.language_independent = True  # type: ignore[attr-defined]
    return response


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    document = [{"code": status, "description": text} for text in descriptions]
    return respond(document, fmt, "errors", status=status)


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "Piiri, City of Helsinki district participation",
        "key_service": "manage.py open311_key NAME (ask the service's operator)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }


def service(s: Service) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "service_name": s.name or s.code,
        "description": s.description,
        "metadata": bool(s.attributes.all()),
        "type": "realtime",
        "keywords": s.keywords,
        "group": s.group,
    }


def service_definition(s: Service) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "attributes": [_attribute(a) for a in s.attributes.all()],
    }


def _attribute(a: ServiceAttribute) -> dict[str, Any]:
    return {
        "variable": True,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        # The answer is the same in every language (no Vary): English.
        "datatype_description": _in_english(a.get_datatype_display),
        "order": a.order,
        "description": a.description,
        "values": [{"key": v["key"], "name": v["name"]} for v in a.values],
    }


def _in_english(text: Any) -> str:
    with translation.override("en"):
        return str(text())


def service_request(item: Feedback, *, extensions: bool = False) -> dict[str, Any]:
    """One request as GET requests answers it. ``item`` comes from
    feedback.selectors.feedback_requests (point, notes and areas loaded)."""
    point = getattr(item, "point", None)
    notes = list(item.notes.all())
    document: dict[str, Any] = {
        "service_request_id": item.service_request_id,
        "status": item.status,
        "status_notes": notes[-1].text if notes else None,
        "service_name": (item.service.name or None) if item.service else None,
        "service_code": item.service.code if item.service else None,
        "description": item.description,
        "agency_responsible": item.unit.name if item.unit else None,
        "service_notice": None,
        "requested_datetime": w3c(item.requested_at),
        "updated_datetime": w3c(item.updated_at),
        "expected_datetime": None,
        "address": item.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": round(point.y, 6) if point else None,
        "long": round(point.x, 6) if point else None,
        "media_url": item.media_url or None,
    }
    if extensions:
        document["extended_attributes"] = {
            "title": item.title,
            "detailed_status": item.detailed_status,
            "routed_by": item.routed_by,
            "service_object_type": "facility" if item.facility_id else None,
            "service_object_id": item.facility_id,
            "areas": [
                {"level": area.level, "code": area.code}
                for area in sorted(item.areas.all(), key=lambda a: (a.level, a.code))
            ],
            "replies": [
                {"text": n.text, "author": n.author, "created_at": w3c(n.created_at)}
                for n in notes
            ],
        }
    return document


def created(item: Feedback) -> list[dict[str, Any]]:
    return [
        {
            "service_request_id": item.service_request_id,
            "service_notice": f"Routed to {item.unit}." if item.unit else None,
            "account_id": None,
        }
    ]


def base_url(request: Any) -> str:
    return request.build_absolute_uri(reverse("feedback:open311-root"))
