"""The initiatives API: write and publish, support and withdraw, handle and
answer, merge duplicates, and same-topic suggestions for initiatives and
budget proposals."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.apis import COMMON_FILTERS
from cases.models import BudgetProposal
from cases.selectors import item_get
from districts.apis import AreaRefSerializer
from districts.identity import identity_of
from geo.params import parse_geometry
from initiatives import services
from initiatives.kinds import feedback_url, suggest_kind
from initiatives.models import Initiative
from initiatives.selectors import (
    initiative_get,
    initiative_list,
    supports_by_home_district,
    threshold_of,
)
from initiatives.similarity import Query, similar, similar_to, storage_ewkt
from web.pagination import paginated_schema

MAX_LIMIT = 50


class InitiativeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    language = serializers.CharField()
    topic = serializers.ChoiceField(choices=Initiative.Topic.choices)
    status = serializers.ChoiceField(choices=Initiative.Status.choices)
    is_youth = serializers.BooleanField()
    is_demo = serializers.BooleanField()
    areas = AreaRefSerializer(many=True, source="areas.all")
    custom_area = serializers.IntegerField(allow_null=True, source="custom_area_id")
    board = serializers.CharField()
    ahjo_case_id = serializers.CharField()
    answer = serializers.CharField()
    actions = serializers.CharField()
    duplicate_of = serializers.IntegerField(allow_null=True, source="duplicate_of_id")
    supports = serializers.IntegerField(source="support_count")
    published_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)


class AreaCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Major district code; empty outside.")
    name = serializers.CharField()
    supports = serializers.IntegerField()


class ThresholdSerializer(serializers.Serializer):
    population = serializers.IntegerField()
    population_year = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="2 % of the population.")
    residents_supporting = serializers.IntegerField()
    reached = serializers.BooleanField()


class InitiativeDetailSerializer(InitiativeOutputSerializer):
    support_by_home_district = AreaCountSerializer(many=True)
    council_threshold = ThresholdSerializer()


class InitiativeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    topic = serializers.ChoiceField(choices=Initiative.Topic.choices)
    language = serializers.ChoiceField(
        choices=Initiative.Language.choices, default=Initiative.Language.FI
    )
    location = serializers.JSONField(required=False, allow_null=True, default=None)
    custom_area = serializers.IntegerField(
        required=False, allow_null=True, default=None
    )
    is_youth = serializers.BooleanField(required=False, default=False)


class SimilarSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["initiative", "proposal"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    rank = serializers.FloatField()
    text = serializers.FloatField(help_text="Full-text score, 0..1.")
    trigram = serializers.FloatField(help_text="Title trigram similarity, 0..1.")
    distance_m = serializers.FloatField(allow_null=True)


def _limit(request: Request) -> int:
    from django.core.exceptions import ValidationError

    raw = request.query_params.get("limit", "5")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError(
            {"limit": f"limit must be a whole number from 1 to {MAX_LIMIT}."}
        )
    return int(raw)


def _detail(request: Request, pk: Any) -> dict[str, Any]:
    initiative = initiative_get(viewer=request.user, pk=pk)
    data = dict(InitiativeOutputSerializer(initiative).data)
    threshold = threshold_of(initiative)
    data["support_by_home_district"] = [
        {"code": c.code, "name": c.name, "supports": c.supports}
        for c in supports_by_home_district(initiative)
    ]
    data["council_threshold"] = {
        "population": threshold.population,
        "population_year": threshold.population_year,
        "needed": threshold.needed,
        "residents_supporting": threshold.residents_supporting,
        "reached": threshold.reached,
    }
    return data


class InitiativeListApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[
            *COMMON_FILTERS,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Initiative.Status.values),
        ],
        responses=paginated_schema(
            "PaginatedInitiativeList", InitiativeOutputSerializer
        ),
    )
    def get(self, request: Request) -> Response:
        params = {
            name: request.query_params.get(name)
            for name in ("area", "custom_area", "status", "q")
        }
        items = initiative_list(viewer=request.user, **params)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(
            InitiativeOutputSerializer(page, many=True).data
        )

    @extend_schema(
        request=InitiativeInputSerializer, responses={201: InitiativeDetailSerializer}
    )
    def post(self, request: Request) -> Response:
        """Write a draft initiative (any signed-in person)."""
        serializer = InitiativeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        initiative = services.initiative_create(
            author=request.user, **serializer.validated_data
        )
        return Response(_detail(request, initiative.pk), status=status.HTTP_201_CREATED)


class InitiativeDetailApi(APIView):
    @extend_schema(responses=InitiativeDetailSerializer)
    def get(self, request: Request, pk: str) -> Response:
        return Response(_detail(request, pk))


class InitiativeStepApi(APIView):
    """POST moves the initiative one step; the body depends on the step."""

    permission_classes = [IsAuthenticated]
    step: str = ""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=InitiativeDetailSerializer)
    def post(self, request: Request, pk: str) -> Response:
        initiative = initiative_get(viewer=request.user, pk=pk)
        body = request.data if isinstance(request.data, dict) else {}
        actor = request.user
        if self.step == "publish":
            services.initiative_publish(
                actor=actor,
                initiative=initiative,
                gather_support=bool(body.get("gather_support", True)),
            )
        elif self.step == "submit":
            services.initiative_submit(actor=actor, initiative=initiative)
        elif self.step == "handling":
            services.initiative_handle(
                actor=actor,
                initiative=initiative,
                board=body.get("board", ""),
                ahjo_case_id=body.get("ahjo_case_id", ""),
            )
        elif self.step == "answer":
            services.initiative_answer(
                actor=actor,
                initiative=initiative,
                answer=body.get("answer", ""),
                actions=body.get("actions", ""),
            )
        elif self.step == "close":
            services.initiative_close(actor=actor, initiative=initiative)
        elif self.step == "merge":
            into = initiative_get(viewer=actor, pk=body.get("into", ""))
            services.initiative_merge(actor=actor, duplicate=initiative, into=into)
            return Response(_detail(request, into.pk))
        return Response(_detail(request, initiative.pk))


class SupportApi(APIView):
    """Support (POST) or withdraw one's support (DELETE), as a strongly
    identified resident."""

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: str) -> Response:
        initiative = initiative_get(viewer=request.user, pk=pk)
        _, created = services.support_give(
            initiative=initiative, identity=identity_of(request._request)
        )
        return Response(
            {"supported": True, "new": created, **_counts(request, pk)},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, pk: str) -> Response:
        initiative = initiative_get(viewer=request.user, pk=pk)
        services.support_withdraw(
            initiative=initiative, identity=identity_of(request._request)
        )
        return Response({"supported": False, **_counts(request, pk)})


def _counts(request: Request, pk: str) -> dict[str, Any]:
    return {"supports": initiative_get(viewer=request.user, pk=pk).support_count}  # type: ignore[attr-defined]


LIMIT_PARAMETER = OpenApiParameter(
    "limit", OpenApiTypes.INT, description=f"How many, 1 to {MAX_LIMIT} (5)."
)


class InitiativeSimilarApi(APIView):
    @extend_schema(parameters=[LIMIT_PARAMETER], responses=SimilarSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        """Initiatives and budget proposals on the same topic nearby."""
        limit = _limit(request)
        initiative = initiative_get(viewer=request.user, pk=pk)
        found = similar_to(initiative, limit=limit)
        return Response(SimilarSerializer(found, many=True).data)


class ProposalSimilarApi(APIView):
    @extend_schema(parameters=[LIMIT_PARAMETER], responses=SimilarSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        """Budget proposals and initiatives on the same topic nearby."""
        limit = _limit(request)
        proposal = item_get(BudgetProposal.objects.all(), pk)
        found = similar_to(proposal, limit=limit)
        return Response(SimilarSerializer(found, many=True).data)


class SuggestionsApi(APIView):
    """While a resident writes: same-topic items, and whether the text looks
    like feedback or an opinion on an ongoing case."""

    @extend_schema(
        parameters=[
            OpenApiParameter("title", OpenApiTypes.STR),
            OpenApiParameter("text", OpenApiTypes.STR),
            OpenApiParameter(
                "location", OpenApiTypes.STR, description="GeoJSON point."
            ),
            LIMIT_PARAMETER,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        limit = _limit(request)
        title = request.query_params.get("title", "")[:200]
        text = request.query_params.get("text", "")[:10_000]
        raw = request.query_params.get("location")
        location = parse_geometry(raw, name="location") if raw else None
        found = similar(
            Query(title=title, text=text, location=storage_ewkt(location)), limit=limit
        )
        kind = suggest_kind(title=title, text=text)
        return Response(
            {
                "similar": SimilarSerializer(found, many=True).data,
                "looks_like_feedback": kind.looks_like_feedback,
                "feedback_url": feedback_url(),
                "ongoing_case": kind.case_id,
            }
        )
