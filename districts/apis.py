import json
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.models import District
from districts.selectors import LEVELS, area_get, area_list, locate, population_by_year
from geo.params import parse_lon_lat


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


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValidationError(
            f"Unknown level {level[:40]!r}; use one of: {', '.join(LEVELS)}."
        )
    return level


class AreaRefSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=District.Level.choices)
    code = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()


class LocateApi(APIView):
    """Which official areas is this point in? One entry per level."""

    # Public and anonymous: skip DRF's authentication, permission and
    # throttle passes on the hottest endpoint.
    authentication_classes = ()
    permission_classes = ()

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
    def get(self, request: Request) -> Response:
        point = parse_lon_lat(request.query_params)
        found = locate(point)
        for area in found.values():
            if area is not None:
                area["name_en"] = area["name_en"] or area["name_fi"]
        return Response(found)


class AreaListApi(APIView):
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
        responses=OutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        level = request.query_params.get("level")
        areas = area_list(level=check_level(level) if level else None)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(areas, request, view=self) or []
        rows = [
            {
                **(area_ref(area) or {}),
                "full_code": area.full_code,
                "is_sea": area.is_sea,
                "parent_ref": area_ref(area.parent),
                "url": request.build_absolute_uri(
                    f"/api/v1/areas/{area.level}/{area.code}/"
                ),
            }
            for area in page
        ]
        return paginator.get_paginated_response(
            self.OutputSerializer(rows, many=True).data
        )


class AreaDetailApi(APIView):
    """One area as a GeoJSON Feature (lon/lat), with its parents and population."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, level: str, code: str) -> Response:
        if level not in LEVELS:
            raise Http404(f"Unknown level {level!r}; use one of: {', '.join(LEVELS)}.")
        area = area_get(level=level, code=code)
        if area is None:
            raise Http404(f"No {level} with code {code!r}.")
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
