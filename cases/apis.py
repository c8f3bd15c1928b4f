"""Read API for cases, facilities and budget proposals: list (filtered,
paginated) and detail. Each item shows the official areas it lies in and
its geometry as GeoJSON (lon/lat) rendered by PostGIS."""

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import BudgetProposal, Case, Facility
from cases.selectors import (
    case_list,
    facility_list,
    geometry_of,
    item_get,
    proposal_list,
)
from cases.services.cases import case_file
from districts.apis import AreaRefSerializer
from web.pagination import Pagination, paginated_schema


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    areas = AreaRefSerializer(many=True, source="areas.all")
    location = serializers.SerializerMethodField()

    def get_location(self, item: Any) -> dict[str, Any] | None:
        return geometry_of(item)


class CaseOutputSerializer(ItemSerializer):
    diary_number = serializers.CharField()
    title_fi = serializers.CharField()
    title_sv = serializers.CharField()
    summary_fi = serializers.CharField()
    summary_sv = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    department = serializers.CharField()
    decision_maker = serializers.CharField()
    classification = serializers.CharField()
    opened_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    links = serializers.JSONField()
    placement = serializers.CharField()
    place_names = serializers.JSONField()


class FacilityOutputSerializer(ItemSerializer):
    kind = serializers.ChoiceField(choices=Facility.Kind.choices)
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()
    address_fi = serializers.CharField()
    address_sv = serializers.CharField()
    accessibility = serializers.CharField()
    is_bookable = serializers.BooleanField()
    booking_url = serializers.CharField()
    # "source" would shadow the serializer's own ``source`` attribute.
    register = serializers.CharField(source="source")
    source_id = serializers.CharField()


class ProposalOutputSerializer(ItemSerializer):
    round = serializers.IntegerField(source="round_id")
    source_id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    scope = serializers.ChoiceField(choices=BudgetProposal.Scope.choices)
    district = AreaRefSerializer(allow_null=True)
    custom_area = serializers.IntegerField(allow_null=True, source="custom_area_id")
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    status = serializers.ChoiceField(choices=BudgetProposal.Status.choices)


COMMON_FILTERS = [
    OpenApiParameter(
        "area",
        OpenApiTypes.STR,
        description="Official area as level:code, e.g. sub_district:020.",
    ),
    OpenApiParameter(
        "custom_area",
        OpenApiTypes.INT,
        description="Id of a drawn area (public, your own, or any for admins).",
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text search."),
    OpenApiParameter("limit", OpenApiTypes.INT),
    OpenApiParameter("offset", OpenApiTypes.INT),
]


class ItemListApi(APIView):
    output: ClassVar[type[serializers.Serializer]]
    filters: ClassVar[tuple[str, ...]] = ()

    def get(self, request: Request) -> Response:
        params = {
            name: request.query_params.get(name)
            for name in ("area", "custom_area", "q", *self.filters)
        }
        items = self.select(viewer=request.user, **params)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(self.output(page, many=True).data)

    def select(self, **params: Any) -> Any:
        raise NotImplementedError


class CaseInputSerializer(serializers.Serializer):
    title_fi = serializers.CharField(max_length=500)
    title_sv = serializers.CharField(max_length=500, required=False, default="")
    summary_fi = serializers.CharField(required=False, default="", allow_blank=True)
    summary_sv = serializers.CharField(required=False, default="", allow_blank=True)
    diary_number = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    status = serializers.ChoiceField(
        choices=Case.Status.choices, required=False, default=Case.Status.PENDING
    )
    department = serializers.CharField(required=False, default="", allow_blank=True)
    decision_maker = serializers.CharField(required=False, default="", allow_blank=True)
    # Any JSON: the service says what is wrong with a geometry.
    location = serializers.JSONField(required=False, allow_null=True, default=None)


class CaseListApi(ItemListApi):
    output = CaseOutputSerializer
    filters = ("status",)
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=CaseInputSerializer, responses={201: CaseOutputSerializer})
    def post(self, request: Request) -> Response:
        """File a case (city staff)."""
        serializer = CaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_file(actor=request.user, **serializer.validated_data)
        return Response(
            CaseOutputSerializer(item_get(Case.objects.all(), case.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            *COMMON_FILTERS,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Case.Status.values),
        ],
        responses=paginated_schema("PaginatedCaseList", CaseOutputSerializer),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def select(self, **params: Any) -> Any:
        return case_list(**params)


class FacilityListApi(ItemListApi):
    output = FacilityOutputSerializer
    filters = ("kind",)

    @extend_schema(
        parameters=[
            *COMMON_FILTERS,
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Facility.Kind.values),
        ],
        responses=paginated_schema("PaginatedFacilityList", FacilityOutputSerializer),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def select(self, **params: Any) -> Any:
        return facility_list(**params)


class ProposalListApi(ItemListApi):
    """The proposals as items; submitting one is budgeting's
    (``budgeting.apis.ProposalListApi`` adds the POST and serves the URL)."""

    output = ProposalOutputSerializer
    filters = ("status", "round")

    @extend_schema(
        parameters=[
            *COMMON_FILTERS,
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=BudgetProposal.Status.values
            ),
            OpenApiParameter("round", OpenApiTypes.INT),
        ],
        responses=paginated_schema("PaginatedProposalList", ProposalOutputSerializer),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def select(self, **params: Any) -> Any:
        return proposal_list(**params)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        return Response(CaseOutputSerializer(item_get(Case.objects.all(), pk)).data)


class FacilityDetailApi(APIView):
    @extend_schema(responses=FacilityOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        facility = item_get(Facility.objects.all(), pk)
        return Response(FacilityOutputSerializer(facility).data)


class ProposalDetailApi(APIView):
    @extend_schema(responses=ProposalOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        proposal = item_get(BudgetProposal.objects.select_related("district"), pk)
        return Response(ProposalOutputSerializer(proposal).data)
