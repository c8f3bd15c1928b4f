"""Residents' side of the API: follows and the coordinator dashboard."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
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
from districts.apis import AreaRefSerializer, area_ref
from districts.selectors import custom_area_by_id, district_by_ref
from forums import selectors, services
from forums.apis.base import MeetingSerializer, meeting_row


class FollowListApi(APIView):
    """What the caller follows; POST follows an area or a forum."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="FollowInput")
    class InputSerializer(serializers.Serializer):
        area = serializers.CharField(required=False, help_text="<level>:<code>")
        custom_area = serializers.IntegerField(required=False)
        forum = serializers.IntegerField(required=False)

    @extend_schema_serializer(component_name="Follow")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        area = AreaRefSerializer(allow_null=True)
        custom_area = serializers.IntegerField(allow_null=True)
        forum = serializers.IntegerField(allow_null=True)

    @extend_schema(responses=OutputSerializer(many=True))
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

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer("FollowCreated", {"id": serializers.IntegerField()})
        },
    )
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
            district=district_by_ref(data["area"]) if "area" in data else None,
            custom_area=(
                custom_area_by_id(data["custom_area"], viewer=request.user)
                if "custom_area" in data
                else None
            ),
            forum=forum,
        )
        return Response({"id": follow.pk}, status=status.HTTP_201_CREATED)


class FollowDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        follow = selectors.follow_list(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
        if follow is None:
            raise Http404(f"No follow {pk} of yours.")
        services.follow_delete(user=request.user, follow=follow)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DashboardApi(APIView):
    """What is new in the caller's areas since their last visit."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Dashboard")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateTimeField(allow_null=True)
        case_count = serializers.IntegerField()
        cases = inline_serializer(
            "DashboardCase",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "status": serializers.ChoiceField(choices=Case.Status.choices),
            },
            many=True,
        )
        proposal_count = serializers.IntegerField()
        proposals = inline_serializer(
            "DashboardProposal",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "status": serializers.ChoiceField(
                    choices=BudgetProposal.Status.choices
                ),
            },
            many=True,
        )
        meetings = MeetingSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
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
