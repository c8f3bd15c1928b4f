"""Shared pieces of the forum API: the forum's area, id lookups, row shapes."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from cases.models import Facility
from districts.apis import area_ref
from districts.models import CustomArea, District
from districts.selectors import custom_area_by_id, district_by_ref
from forums.models import Forum, Meeting


class WritesNeedSignIn(APIView):
    def get_permissions(self) -> list[Any]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated()]


def by_id(model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} {pk}."})
    return found


def area_of(request: Request, data: dict[str, Any]) -> District | CustomArea:
    if ("area" in data) == ("custom_area" in data):
        raise ValidationError(
            "Give the forum's area: either 'area' (<level>:<code>) or "
            "'custom_area' (an id)."
        )
    if "area" in data:
        return district_by_ref(data.pop("area"))
    return custom_area_by_id(data.pop("custom_area"), viewer=request.user)


def forum_row(request: Request, forum: Forum) -> dict[str, Any]:
    return {
        "id": forum.pk,
        "title": forum.title,
        "description": forum.description,
        "area": area_ref(forum.district),
        "custom_area": (
            {"id": forum.custom_area_id, "name_fi": forum.custom_area.name_fi}
            if forum.custom_area
            else None
        ),
        "venue_facility": forum.venue_facility_id,
        "venue_address": forum.venue_address,
        "url": request.build_absolute_uri(f"/api/v1/forums/{forum.pk}/"),
        "feeds": {
            "atom": request.build_absolute_uri(f"/forums/{forum.pk}/meetings.atom"),
            "ics": request.build_absolute_uri(f"/forums/{forum.pk}/meetings.ics"),
        },
    }


def meeting_row(request: Request, meeting: Meeting) -> dict[str, Any]:
    location = getattr(meeting, "venue_geojson", None)
    return {
        "id": meeting.pk,
        "forum": meeting.forum_id,
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "venue_facility": meeting.venue_facility_id,
        "venue": meeting.venue_text(),
        "venue_location": json.loads(location) if location else None,
        "online_url": meeting.online_url,
        "languages": meeting.languages,
        "accessibility_notes": meeting.accessibility_notes,
        "url": request.build_absolute_uri(f"/api/v1/meetings/{meeting.pk}/"),
    }


def with_facility(data: dict[str, Any]) -> dict[str, Any]:
    if "venue_facility" in data:
        data["venue_facility"] = by_id(
            Facility, data["venue_facility"], "venue_facility"
        )
    return data
