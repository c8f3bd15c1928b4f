"""The forum API: forums, meetings, agendas, minutes, follows. Views only
require a signed-in caller for writes (401 otherwise); who may do what is
decided by the services (``districts.permissions``)."""

import json
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.forums import selectors, services
from cases.forums.models import AgendaItem, Forum, Meeting
from cases.models import BudgetProposal, Case, Facility
from districts.apis import area_ref
from districts.models import CustomArea, District
from districts.selectors import custom_areas_visible_to, district_by_ref
from geo.params import parse_geometry


class WritesNeedSignIn(APIView):
    def get_permissions(self) -> list[Any]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated()]


def official_area(ref: str) -> District:
    district = district_by_ref(ref)
    if district is None:
        raise ValidationError({"area": f"No official area {ref[:40]!r}."})
    return district


def custom_area(request: Request, pk: int) -> CustomArea:
    area = custom_areas_visible_to(request.user).filter(pk=pk).first()
    if area is None:
        raise ValidationError({"custom_area": f"No custom area {pk}."})
    return area


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
        return official_area(data.pop("area"))
    return custom_area(request, data.pop("custom_area"))


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


def paginated(view: APIView, request: Request, rows: Any, row: Any) -> Response:
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(rows, request, view=view) or []
    return paginator.get_paginated_response([row(request, item) for item in page])


class ForumInputSerializer(serializers.Serializer):
    area = serializers.CharField(required=False, help_text="<level>:<code>")
    custom_area = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    venue_facility = serializers.IntegerField(required=False, allow_null=True)
    venue_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )


def with_facility(data: dict[str, Any]) -> dict[str, Any]:
    if "venue_facility" in data:
        data["venue_facility"] = by_id(
            Facility, data["venue_facility"], "venue_facility"
        )
    return data


class ForumListApi(WritesNeedSignIn):
    """Forums, optionally of one area (``area=<level>:<code>``, including the
    areas beneath it, or ``custom_area=<id>``); POST creates one."""

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR),
            OpenApiParameter("custom_area", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        district = official_area(params["area"]) if params.get("area") else None
        area = None
        if params.get("custom_area"):
            try:
                area = custom_area(request, int(params["custom_area"]))
            except ValueError:
                raise ValidationError("'custom_area' must be an id.") from None
        forums = selectors.forum_list(
            viewer=request.user, district=district, custom_area=area
        )
        return paginated(self, request, forums, forum_row)

    @extend_schema(request=ForumInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        serializer = ForumInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        area = area_of(request, data)
        forum = services.forum_create(
            actor=request.user, area=area, **with_facility(data)
        )
        return Response(forum_row(request, forum), status=status.HTTP_201_CREATED)


def forum_or_404(request: Request, pk: int) -> Forum:
    forum = selectors.forum_get(viewer=request.user, pk=pk)
    if forum is None:
        raise Http404(f"No forum {pk}.")
    return forum


class ForumDetailApi(WritesNeedSignIn):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        return Response(forum_row(request, forum_or_404(request, pk)))

    @extend_schema(request=ForumInputSerializer, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, pk: int) -> Response:
        forum = forum_or_404(request, pk)
        serializer = ForumInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "area" in data or "custom_area" in data:
            raise ValidationError("A forum's area cannot change; create a new forum.")
        forum = services.forum_update(
            actor=request.user, forum=forum, **with_facility(data)
        )
        return Response(forum_row(request, forum))

    def delete(self, request: Request, pk: int) -> Response:
        services.forum_delete(actor=request.user, forum=forum_or_404(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeetingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_facility = serializers.IntegerField(required=False, allow_null=True)
    venue_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )
    venue_location = serializers.JSONField(
        required=False, allow_null=True, help_text="A GeoJSON Point, lon/lat."
    )
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Meeting.Language.choices),
        required=False,
    )
    accessibility_notes = serializers.CharField(required=False, allow_blank=True)

    def validate_venue_location(self, value: Any) -> Point | None:
        if value is None:
            return None
        try:
            point = parse_geometry(value, name="venue_location")
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        if not isinstance(point, Point):
            raise serializers.ValidationError("'venue_location' must be a Point.")
        return point


class ForumMeetingListApi(WritesNeedSignIn):
    """A forum's meetings, earliest first; POST schedules one."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        forum = forum_or_404(request, pk)
        meetings = selectors.meeting_list(viewer=request.user, forum=forum)
        return paginated(self, request, meetings, meeting_row)

    @extend_schema(request=MeetingInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        forum = forum_or_404(request, pk)
        serializer = MeetingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_create(
            actor=request.user,
            forum=forum,
            **with_facility(dict(serializer.validated_data)),
        )
        meeting = meeting_or_404(request, meeting.pk)
        return Response(meeting_row(request, meeting), status=status.HTTP_201_CREATED)


def meeting_or_404(request: Request, pk: int) -> Meeting:
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    if meeting is None:
        raise Http404(f"No meeting {pk}.")
    return meeting


class MeetingDetailApi(WritesNeedSignIn):
    """One meeting with its agenda and minutes."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        meeting = meeting_or_404(request, pk)
        minutes = getattr(meeting, "minutes", None)
        return Response(
            {
                **meeting_row(request, meeting),
                "agenda": [
                    {
                        "id": item.pk,
                        "position": item.position,
                        "title": item.title,
                        "case": item.case_id,
                        "proposal": item.proposal_id,
                        "notes": item.notes,
                    }
                    for item in meeting.agenda_items.all()
                ],
                "minutes": (
                    {"body": minutes.body, "published_at": minutes.published_at}
                    if minutes
                    else None
                ),
            }
        )

    @extend_schema(request=MeetingInputSerializer, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, pk: int) -> Response:
        meeting = meeting_or_404(request, pk)
        serializer = MeetingInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_update(
            actor=request.user,
            meeting=meeting,
            **with_facility(dict(serializer.validated_data)),
        )
        return Response(meeting_row(request, meeting_or_404(request, meeting.pk)))

    def delete(self, request: Request, pk: int) -> Response:
        services.meeting_delete(actor=request.user, meeting=meeting_or_404(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgendaItemCreateApi(APIView):
    """Add a case or a budget proposal of the forum's area to the agenda."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        case = serializers.IntegerField(required=False)
        proposal = serializers.IntegerField(required=False)
        notes = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_or_404(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = services.agenda_item_add(
            actor=request.user,
            meeting=meeting,
            case=by_id(Case, data.get("case"), "case"),
            proposal=by_id(BudgetProposal, data.get("proposal"), "proposal"),
            notes=data.get("notes", ""),
        )
        return Response(
            {"id": item.pk, "position": item.position, "title": item.title},
            status=status.HTTP_201_CREATED,
        )


class AgendaItemDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    def delete(self, request: Request, pk: int) -> Response:
        item = AgendaItem.objects.filter(
            pk=pk, meeting__in=selectors.meetings_visible_to(request.user)
        ).first()
        if item is None:
            raise Http404(f"No agenda item {pk}.")
        services.agenda_item_remove(actor=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MinutesPublishApi(APIView):
    """Publish (or correct) a meeting's minutes."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, pk: int) -> Response:
        meeting = meeting_or_404(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        minutes = services.minutes_publish(
            actor=request.user, meeting=meeting, body=serializer.validated_data["body"]
        )
        return Response(
            {"meeting": meeting.pk, "published_at": minutes.published_at.isoformat()}
        )


class FollowListApi(APIView):
    """What the caller follows; POST follows an area or a forum."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        area = serializers.CharField(required=False, help_text="<level>:<code>")
        custom_area = serializers.IntegerField(required=False)
        forum = serializers.IntegerField(required=False)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        follows = selectors.follow_list(user=request.user)  # type: ignore[arg-type]
        return Response(
            [
                {
                    "id": follow.pk,
                    "area": area_ref(follow.district),
                    "custom_area": follow.custom_area_id,
                    "forum": follow.forum_id,
                }
                for follow in follows
            ]
        )

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        forum = None
        if "forum" in data:
            forum = selectors.forum_get(viewer=request.user, pk=data["forum"])
            if forum is None:
                raise ValidationError({"forum": f"No forum {data['forum']}."})
        follow = services.follow_create(
            user=request.user,
            district=official_area(data["area"]) if "area" in data else None,
            custom_area=(
                custom_area(request, data["custom_area"])
                if "custom_area" in data
                else None
            ),
            forum=forum,
        )
        return Response({"id": follow.pk}, status=status.HTTP_201_CREATED)


class FollowDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    def delete(self, request: Request, pk: int) -> Response:
        follow = selectors.follow_list(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if follow is None:
            raise Http404(f"No follow {pk} of yours.")
        services.follow_delete(user=request.user, follow=follow)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DashboardApi(APIView):
    """What is new in the caller's areas since their last visit."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        now = timezone.now()
        since = services.dashboard_visit(user=request.user, at=now)  # type: ignore[arg-type]
        news = selectors.dashboard(user=request.user, since=since, now=now)
        return Response(
            {
                "since": since.isoformat() if since else None,
                "case_count": news["case_count"],
                "cases": [
                    {"id": c.pk, "title": c.title_fi, "status": c.status}
                    for c in news["cases"]
                ],
                "proposal_count": news["proposal_count"],
                "proposals": [
                    {"id": p.pk, "title": p.title, "status": p.status}
                    for p in news["proposals"]
                ],
                "meetings": [meeting_row(request, m) for m in news["meetings"]],
            }
        )
