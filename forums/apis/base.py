"""Shared pieces of the forum API: the forum's area, id lookups, row shapes."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from cases.models import Facility
from districts.apis import AreaRefSerializer, area_ref
from districts.models import CustomArea, District
from districts.selectors import custom_area_by_id, district_by_ref
from forums.models import Forum, Meeting
from web.openapi import GeometryField


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


class ForumSerializer(serializers.Serializer):
    """What ``forum_row`` answers."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    area = AreaRefSerializer(allow_null=True)
    custom_area = inline_serializer(
        "ForumCustomArea",
        {"id": serializers.IntegerField(), "name_fi": serializers.CharField()},
        allow_null=True,
    )
    venue_facility = serializers.IntegerField(allow_null=True)
    venue_address = serializers.CharField()
    url = serializers.URLField()
    feeds = inline_serializer(
        "ForumFeeds", {"atom": serializers.URLField(), "ics": serializers.URLField()}
    )


class MeetingSerializer(serializers.Serializer):
    """What ``meeting_row`` answers."""

    id = serializers.IntegerField()
    forum = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_facility = serializers.IntegerField(allow_null=True)
    venue = serializers.CharField()
    venue_location = GeometryField(allow_null=True)
    online_url = serializers.CharField()
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Meeting.Language.choices)
    )
    accessibility_notes = serializers.CharField()
    url = serializers.URLField()


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
        "url": request.build_absolute_uri(
            reverse("forums:forum-detail", args=[forum.pk])
        ),
        "feeds": {
            kind: request.build_absolute_uri(
                reverse(f"forums:forum-meetings-{kind}", kwargs={"forum": forum.pk})
            )
            for kind in ("atom", "ics")
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
        "url": request.build_absolute_uri(
            reverse("forums:meeting-detail", args=[meeting.pk])
        ),
    }


def with_facility(data: dict[str, Any]) -> dict[str, Any]:
    if "venue_facility" in data:
        data["venue_facility"] = by_id(
            Facility, data["venue_facility"], "venue_facility"
        )
    return data
