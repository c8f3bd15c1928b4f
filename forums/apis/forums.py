from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from districts.selectors import custom_area_by_id, district_by_ref
from forums import selectors, services
from forums.apis.base import (
    ForumSerializer,
    WritesNeedSignIn,
    area_of,
    forum_row,
    with_facility,
)
from forums.models import Forum
from web.pagination import paginated, paginated_schema


class ForumInputSerializer(serializers.Serializer):
    area = serializers.CharField(required=False, help_text="<level>:<code>")
    custom_area = serializers.IntegerField(required=False)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000
    )
    venue_facility = serializers.IntegerField(required=False, allow_null=True)
    venue_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )


class ForumListApi(WritesNeedSignIn):
    """Forums, optionally of one area (``area=<level>:<code>``, including the
    areas beneath it, or ``custom_area=<id>``); POST creates one."""

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR),
            OpenApiParameter("custom_area", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedForumList", ForumSerializer),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        district = district_by_ref(params["area"]) if params.get("area") else None
        area = None
        if params.get("custom_area"):
            area = custom_area_by_id(params["custom_area"], viewer=request.user)
        forums = selectors.forum_list(
            viewer=request.user, district=district, custom_area=area
        )
        return paginated(self, request, forums, forum_row)

    @extend_schema(request=ForumInputSerializer, responses={201: ForumSerializer})
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
    @extend_schema(responses=ForumSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(forum_row(request, forum_or_404(request, pk)))

    @extend_schema(request=ForumInputSerializer, responses=ForumSerializer)
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

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.forum_delete(actor=request.user, forum=forum_or_404(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
