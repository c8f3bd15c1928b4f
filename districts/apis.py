import json
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.models import AuditLog, CustomArea, District
from districts.selectors import (
    LEVELS,
    area_get,
    area_list,
    audit_log_list,
    custom_area_get,
    custom_area_list,
    level_of,
    locate,
    population_by_year,
    roles_of,
)
from districts.services import (
    custom_area_create,
    custom_area_delete,
    custom_area_update,
)
from geo.params import parse_lon_lat, parse_polygon
from web.openapi import GeometryField, constant
from web.pagination import Pagination, paginated, paginated_schema


def area_ref(area: District | None) -> dict[str, Any] | None:
    if area is None:
        return None
    return {
        "level": area.level,
        "code": area.code,
        "name_fi": area.name_fi,
        "name_sv": area.name_sv,
        "name_en": area.name_en or area.name_fi,
    }


class AreaRefSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=District.Level.choices)
    code = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()


class AreaPropertiesSerializer(AreaRefSerializer):
    full_code = serializers.CharField()
    is_sea = serializers.BooleanField()
    parent = AreaRefSerializer(allow_null=True)
    ancestors = AreaRefSerializer(many=True)
    population = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField(allow_null=True)
    population_by_year = serializers.DictField(child=serializers.IntegerField())
    # The answer's own member, not Field.source (the metaclass takes it).
    source = serializers.CharField()  # type: ignore[assignment]


class AreaFeatureSerializer(serializers.Serializer):
    type = constant("Feature")
    id = serializers.CharField(help_text="<level>:<code>")
    geometry = GeometryField()
    properties = AreaPropertiesSerializer()


class CustomAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    is_public = serializers.BooleanField()
    is_mine = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    url = serializers.URLField()


class CustomAreaFeatureSerializer(serializers.Serializer):
    type = constant("Feature")
    id = serializers.IntegerField()
    geometry = GeometryField()
    properties = CustomAreaSerializer()


class LocateApi(APIView):
    """Which official areas is this point in? One entry per level."""

    # Public and anonymous: skip DRF's authentication, permission and
    # throttle passes, and its renderer, on the hottest endpoint.
    authentication_classes = ()
    permission_classes = ()
    renderer_classes = (JSONRenderer,)

    @extend_schema_serializer(component_name="Location")
    class OutputSerializer(serializers.Serializer):
        major_district = AreaRefSerializer(allow_null=True)
        district = AreaRefSerializer(allow_null=True)
        sub_district = AreaRefSerializer(allow_null=True)
        neighbourhood = AreaRefSerializer(allow_null=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True),
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> JsonResponse:
        point = parse_lon_lat(request.query_params)
        found = locate(point)
        for area in found.values():
            if area is not None:
                area["name_en"] = area["name_en"] or area["name_fi"]
        return JsonResponse(found)


class AreaListApi(APIView):
    @extend_schema_serializer(component_name="AreaListItem")
    class OutputSerializer(AreaRefSerializer):
        full_code = serializers.CharField()
        is_sea = serializers.BooleanField()
        parent = AreaRefSerializer(allow_null=True, source="parent_ref")
        url = serializers.CharField()

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedAreaList", OutputSerializer),
    )
    def get(self, request: Request) -> Response:
        level = request.query_params.get("level")
        areas = area_list(level=level_of(level) if level else None)
        paginator = Pagination()
        page = paginator.paginate_queryset(areas, request, view=self) or []
        rows = [
            {
                **(area_ref(area) or {}),
                "full_code": area.full_code,
                "is_sea": area.is_sea,
                "parent_ref": area_ref(area.parent),
                "url": request.build_absolute_uri(
                    reverse("districts:area-detail", args=[area.level, area.code])
                ),
            }
            for area in page
        ]
        return paginator.get_paginated_response(
            self.OutputSerializer(rows, many=True).data
        )


class AreaDetailApi(APIView):
    """One area as a GeoJSON Feature (lon/lat), with its parents and population."""

    @extend_schema(responses=AreaFeatureSerializer)
    def get(self, request: Request, level: str, code: str) -> Response:
        area = area_get(level=level, code=code)
        if area is None:
            raise Http404(f"No {level[:40]} with code {code[:20]!r}.")
        population = population_by_year(area)
        latest = max(population) if population else None
        return Response(
            {
                "type": "Feature",
                "id": f"{area.level}:{area.code}",
                "geometry": json.loads(cast(Any, area).geojson),
                "properties": {
                    **(area_ref(area) or {}),
                    "full_code": area.full_code,
                    "is_sea": area.is_sea,
                    "parent": area_ref(area.parent),
                    "ancestors": [area_ref(a) for a in area.ancestors()],
                    "population": population.get(latest) if latest else None,
                    "population_year": latest,
                    "population_by_year": {str(y): n for y, n in population.items()},
                    "source": area.source,
                },
            }
        )


def custom_area_or_404(request: Request, pk: int) -> CustomArea:
    area = custom_area_get(viewer=request.user, pk=pk)
    if area is None:
        # A private area of someone else is as absent as a deleted one.
        raise Http404(f"No custom area {pk}.")
    return area


def custom_area_row(request: Request, area: CustomArea) -> dict[str, Any]:
    return {
        "id": area.pk,
        "name_fi": area.name_fi,
        "name_sv": area.name_sv,
        "name_en": area.name_en or area.name_fi,
        "description": area.description,
        "is_public": area.is_public,
        "is_mine": area.owner_id == request.user.pk,
        "created_at": area.created_at.isoformat(),
        "updated_at": area.updated_at.isoformat(),
        "url": request.build_absolute_uri(
            reverse("districts:custom-area-detail", args=[area.pk])
        ),
    }


class CustomAreaInputSerializer(serializers.Serializer):
    name_fi = serializers.CharField(max_length=200)
    name_sv = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000
    )
    is_public = serializers.BooleanField(required=False)
    boundary = serializers.JSONField(
        help_text="A GeoJSON Polygon or MultiPolygon in WGS84 lon/lat."
    )

    def validate_boundary(self, value: Any) -> Any:
        try:
            return parse_polygon(value, name="boundary")
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class CustomAreaListApi(APIView):
    """Custom areas the caller may see (public ones and their own); POST
    draws a new one (planners, and coordinators within their areas)."""

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedCustomAreaList", CustomAreaSerializer),
    )
    def get(self, request: Request) -> Response:
        mine = request.query_params.get("mine") in ("1", "true")
        areas = custom_area_list(viewer=request.user, mine=mine)
        return paginated(self, request, areas, custom_area_row)

    @extend_schema(
        request=CustomAreaInputSerializer, responses={201: CustomAreaSerializer}
    )
    def post(self, request: Request) -> Response:
        serializer = CustomAreaInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area = custom_area_create(actor=request.user, **serializer.validated_data)
        return Response(custom_area_row(request, area), status=status.HTTP_201_CREATED)


class CustomAreaDetailApi(APIView):
    """One custom area as a GeoJSON Feature; PATCH edits it, DELETE removes it."""

    def get_permissions(self) -> list[Any]:
        if self.request.method in ("PATCH", "DELETE"):
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(responses=CustomAreaFeatureSerializer)
    def get(self, request: Request, pk: int) -> Response:
        area = custom_area_or_404(request, pk)
        return Response(
            {
                "type": "Feature",
                "id": area.pk,
                "geometry": json.loads(cast(Any, area).geojson),
                "properties": custom_area_row(request, area),
            }
        )

    @extend_schema(request=CustomAreaInputSerializer, responses=CustomAreaSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        area = custom_area_or_404(request, pk)
        serializer = CustomAreaInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        area = custom_area_update(
            actor=request.user, area=area, **serializer.validated_data
        )
        return Response(custom_area_row(request, area))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        area = custom_area_or_404(request, pk)
        custom_area_delete(actor=request.user, area=area)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoordinatedAreaSerializer(serializers.Serializer):
    """One of ``district`` (an official area) or ``custom_area``."""

    district = AreaRefSerializer(required=False)
    custom_area = inline_serializer(
        "CoordinatedCustomArea", {"id": serializers.IntegerField()}, required=False
    )


class MeApi(APIView):
    """The caller's roles and the areas they coordinate."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        roles = serializers.ListField(
            child=serializers.ChoiceField(
                choices=["resident", "coordinator", "planner", "admin"]
            )
        )
        coordinates = CoordinatedAreaSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assignments = user.area_assignments.select_related(  # type: ignore[union-attr]
            "district", "custom_area"
        )
        return Response(
            {
                "username": user.get_username(),
                "roles": roles_of(user),
                "coordinates": [
                    {"district": area_ref(a.district)}
                    if a.district
                    else {"custom_area": {"id": a.custom_area_id}}
                    for a in assignments
                ],
            }
        )


class AuditLogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=AuditLog.Action.choices)
    object_type = serializers.CharField()
    object_id = serializers.IntegerField()
    object = serializers.CharField()
    changes = serializers.JSONField()


class AuditLogListApi(APIView):
    """Who created, changed or deleted what, newest first. Admins only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("object_type", OpenApiTypes.STR),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedAuditLog", AuditLogEntrySerializer),
    )
    def get(self, request: Request) -> Response:
        entries = audit_log_list(
            viewer=request.user, object_type=request.query_params.get("object_type")
        )
        return paginated(self, request, entries, audit_log_row)


def audit_log_row(request: Request, entry: AuditLog) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor.get_username() if entry.actor else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object": entry.object_repr,
        "changes": entry.changes,
    }
