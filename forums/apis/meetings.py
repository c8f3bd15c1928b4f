from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import BudgetProposal, Case
from forums import selectors, services
from forums.apis.base import (
    MeetingSerializer,
    WritesNeedSignIn,
    by_id,
    meeting_row,
    with_facility,
)
from forums.apis.forums import forum_or_404
from forums.models import AgendaItem, Meeting
from geo.params import parse_geometry
from web.pagination import paginated, paginated_schema


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
    accessibility_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=2_000
    )

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

    @extend_schema(
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedMeetingList", MeetingSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        forum = forum_or_404(request, pk)
        meetings = selectors.meeting_list(viewer=request.user, forum=forum)
        return paginated(self, request, meetings, meeting_row)

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer})
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


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    case = serializers.IntegerField(allow_null=True)
    proposal = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(many=True)
    minutes = inline_serializer(
        "MeetingMinutes",
        {"body": serializers.CharField(), "published_at": serializers.DateTimeField()},
        allow_null=True,
    )


class MeetingDetailApi(WritesNeedSignIn):
    """One meeting with its agenda and minutes."""

    @extend_schema(responses=MeetingDetailSerializer)
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

    @extend_schema(request=MeetingInputSerializer, responses=MeetingSerializer)
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

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.meeting_delete(actor=request.user, meeting=meeting_or_404(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgendaItemCreateApi(APIView):
    """Add a case or a budget proposal of the forum's area to the agenda."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AgendaItemInput")
    class InputSerializer(serializers.Serializer):
        case = serializers.IntegerField(required=False)
        proposal = serializers.IntegerField(required=False)
        notes = serializers.CharField(
            required=False, allow_blank=True, max_length=5_000
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "AgendaItemCreated",
                {
                    "id": serializers.IntegerField(),
                    "position": serializers.IntegerField(),
                    "title": serializers.CharField(),
                },
            )
        },
    )
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

    @extend_schema(responses={204: None})
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

    @extend_schema_serializer(component_name="MinutesInput")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=100_000)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "MinutesPublished",
            {
                "meeting": serializers.IntegerField(),
                "published_at": serializers.DateTimeField(),
            },
        ),
    )
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
