"""Budgeting API: rounds and their allocation, plans, ballots, receipts,
results, and the Pabulib export."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budgeting import selectors, services
from budgeting.models import Ballot, Phase, Plan, Round
from budgeting.rules.pabulib import pabulib_text
from budgeting.selectors import CITY_WIDE
from budgeting.services.exports import pool_election
from budgeting.verification import signed_in_claims, verify
from cases import apis as cases_apis
from cases.models import BudgetProposal
from cases.selectors import item_get
from districts.models import District
from web.ratelimit import BallotThrottle


def round_or_404(number: int) -> Round:
    round_ = selectors.round_get(number)
    if round_ is None:
        raise Http404(f"No budgeting round {number}.")
    return round_


def area_or_404(code: str) -> District | None:
    if code == CITY_WIDE:
        return None
    area = District.objects.filter(
        level=District.Level.MAJOR_DISTRICT, code=selectors.checked_area_code(code)
    ).first()
    if area is None:
        raise Http404(f"No major district {code[:10]!r}; use 1-8 or {CITY_WIDE}.")
    return area


def round_json(round_: Round) -> dict[str, Any]:
    return {
        "number": round_.number,
        "name": round_.name,
        "total_amount": round_.total_amount,
        "city_wide_amount": round_.city_wide_amount,
        "min_voter_age": round_.min_voter_age,
        "voting_rule": round_.voting_rule,
        "max_choices": round_.max_choices,
        "min_spend_share": round_.min_spend_share,
        "area_rule": round_.area_rule,
        "phases": [
            {
                "kind": phase.kind,
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
            }
            for phase in round_.phases.all()
        ],
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "source_id": plan.source_id,
        "title": plan.title,
        "area": plan.area.code if plan.area else CITY_WIDE,
        "cost": plan.cost,
        "selected": plan.selected,
        "result_source": plan.result_source or None,
        "implementation": {
            "status": plan.implementation_status or None,
            "started_on": plan.implementation_started_on,
            "done_on": plan.implementation_done_on,
            "notes": plan.implementation_notes,
        },
    }


class PhaseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Phase.Kind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class RoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    total_amount = serializers.IntegerField(allow_null=True)
    city_wide_amount = serializers.IntegerField()
    min_voter_age = serializers.IntegerField()
    voting_rule = serializers.ChoiceField(choices=Round.VotingRule.choices)
    max_choices = serializers.IntegerField(allow_null=True)
    # A decimal share, written as a JSON number.
    min_spend_share = serializers.FloatField(allow_null=True)
    area_rule = serializers.ChoiceField(choices=Round.AreaRule.choices)
    phases = PhaseSerializer(many=True)


class AreaBudgetSerializer(serializers.Serializer):
    area = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    population = serializers.IntegerField()
    amount = serializers.IntegerField()


class AllocationSerializer(serializers.Serializer):
    total_amount = serializers.IntegerField(allow_null=True)
    city_wide_amount = serializers.IntegerField()
    district_amount = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField()
    population = serializers.IntegerField()
    method = serializers.CharField()
    areas = AreaBudgetSerializer(many=True)


class RoundDetailSerializer(RoundSerializer):
    allocation = AllocationSerializer()


class ImplementationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Plan.Implementation.choices, allow_null=True
    )
    started_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    area = serializers.CharField(help_text=f"A major district's code or {CITY_WIDE}.")
    cost = serializers.IntegerField()
    selected = serializers.BooleanField(allow_null=True)
    result_source = serializers.ChoiceField(
        choices=Plan.ResultSource.choices, allow_null=True
    )
    implementation = ImplementationSerializer()


class ReceiptBaseSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()
    round = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Ballot.Channel.choices)


class BallotReceiptSerializer(ReceiptBaseSerializer):
    """The answer to the voter who cast the ballot: with what they chose."""

    plans = serializers.ListField(child=serializers.IntegerField())


class ReceiptSerializer(ReceiptBaseSerializer):
    """The answer to anyone holding the code: nothing about the choice."""

    submitted_at = serializers.DateTimeField()
    stored = serializers.BooleanField()


class TallyLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    plan = serializers.IntegerField()
    votes = serializers.IntegerField()
    selected = serializers.BooleanField()
    remaining = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class TallySerializer(serializers.Serializer):
    ballots_counted = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    lines = TallyLineSerializer(many=True)


class PoolResultSerializer(serializers.Serializer):
    area = serializers.CharField()
    name_fi = serializers.CharField()
    budget = serializers.IntegerField()
    selected_cost = serializers.IntegerField()
    plans = PlanSerializer(many=True)
    tallies = serializers.DictField(
        child=TallySerializer(), help_text="By counting method."
    )


class ResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    pools = PoolResultSerializer(many=True)


def refused(
    error: ValidationError, *, status_code: int = status.HTTP_400_BAD_REQUEST
) -> Response:
    """A refusal with what is wrong and a stable code."""
    return Response(
        {"detail": " ".join(error.messages), "code": error.code or "invalid"},
        status=status_code,
    )


class RoundListApi(APIView):
    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([round_json(r) for r in selectors.round_list()])


class RoundDetailApi(APIView):
    """A round, its phases, rules and the split of its money by population."""

    @extend_schema(responses=RoundDetailSerializer)
    def get(self, request: Request, number: int) -> Response:
        round_ = round_or_404(number)
        return Response(
            {
                **round_json(round_),
                "allocation": selectors.allocation_table(round_),
            }
        )


class AllocationApi(APIView):
    @extend_schema(responses=AllocationSerializer)
    def get(self, request: Request, number: int) -> Response:
        return Response(selectors.allocation_table(round_or_404(number)))


class PlanListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        area = serializers.CharField(required=False)
        selected = serializers.BooleanField(required=False, allow_null=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR, description="1-8 or city-wide"),
            OpenApiParameter("selected", OpenApiTypes.BOOL),
        ],
        responses=PlanSerializer(many=True),
    )
    def get(self, request: Request, number: int) -> Response:
        round_ = round_or_404(number)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        area = filters.validated_data.get("area")
        if area is not None:
            area_or_404(area)
        plans = selectors.plan_list(
            round_=round_, area=area, selected=filters.validated_data.get("selected")
        )
        return Response([plan_json(p) for p in plans])


class BallotInputSerializer(serializers.Serializer):
    plans = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500
    )
    voter = serializers.DictField(
        required=False,
        default=dict,
        help_text="Claims for the verification step: identifier, birth_date, "
        "municipality, home_major_district. Online, a resident signed in "
        "through OpenID Connect votes as the identity proven at sign-in, "
        "and these are ignored.",
    )


class BallotSubmitApi(APIView):
    """Cast a ballot. The first accepted ballot of a voter is final."""

    throttle_classes = [BallotThrottle]
    channel = Ballot.Channel.ONLINE

    @extend_schema(
        request=BallotInputSerializer, responses={201: BallotReceiptSerializer}
    )
    def post(self, request: Request, number: int) -> Response:
        round_ = round_or_404(number)
        data = BallotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claims = data.validated_data["voter"]
        if self.channel == Ballot.Channel.ONLINE:
            claims = signed_in_claims(request) or claims
        try:
            ballot = services.ballot_submit(
                round_=round_,
                identity=verify(claims, channel=self.channel),
                plan_ids=data.validated_data["plans"],
                channel=self.channel,
                entered_by=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            return refused(error)
        return Response(
            {
                "receipt_code": ballot.receipt_code,
                "round": round_.number,
                "channel": ballot.channel,
                "plans": sorted(data.validated_data["plans"]),
            },
            status=status.HTTP_201_CREATED,
        )


class PaperBallotSubmitApi(BallotSubmitApi):
    """Staff enter a paper ballot; de-duplicated against online ballots by
    the voter's digest."""

    permission_classes = [IsAuthenticated]
    channel = Ballot.Channel.PAPER


class PlanImplementationApi(APIView):
    """Staff and the area's coordinators record how a selected plan is
    coming along."""

    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="PlanImplementationInput")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Plan.Implementation.choices)
        started_on = serializers.DateField(required=False, allow_null=True)
        done_on = serializers.DateField(required=False, allow_null=True)
        notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    @extend_schema(request=InputSerializer, responses=PlanSerializer)
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = Plan.objects.select_related("area").filter(pk=plan_id).first()
        if plan is None:
            raise Http404(f"No plan {plan_id}.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_implementation_update(
            plan, user=request.user, **data.validated_data
        )
        return Response(plan_json(plan))


class ReceiptApi(APIView):
    """Was my ballot counted? Answers for a receipt code, and nothing about
    what was chosen: a receipt shown to someone else reveals no vote."""

    @extend_schema(responses=ReceiptSerializer)
    def get(self, request: Request, code: str) -> Response:
        ballot = selectors.ballot_by_receipt(services.normalised_receipt(code))
        if ballot is None:
            raise Http404("No ballot has this receipt code.")
        return Response(
            {
                "receipt_code": ballot.receipt_code,
                "round": ballot.round.number,
                "channel": ballot.channel,
                "submitted_at": ballot.submitted_at,
                "stored": True,
            }
        )


class ResultsApi(APIView):
    """Each pool's plans and outcome; greedy and MES tallies side by side
    where ballots were counted here."""

    @extend_schema(responses=ResultsSerializer)
    def get(self, request: Request, number: int) -> Response:
        round_ = round_or_404(number)
        pools = []
        for pool in selectors.results(round_):
            pools.append(
                {
                    "area": pool.area.code if pool.area else CITY_WIDE,
                    "name_fi": pool.area.name_fi if pool.area else "Helsingin yhteinen",
                    "budget": pool.budget,
                    "selected_cost": pool.spent,
                    "plans": [plan_json(p) for p in pool.plans],
                    "tallies": {
                        method: {
                            "ballots_counted": tally.ballots_counted,
                            "computed_at": tally.computed_at,
                            "lines": [
                                {
                                    "position": line.position,
                                    "plan": line.plan_id,
                                    "votes": line.votes,
                                    "selected": line.selected,
                                    "remaining": line.remaining,
                                    "note": line.note,
                                }
                                for line in tally.lines.all()
                            ],
                        }
                        for method, tally in pool.tallies.items()
                    },
                }
            )
        return Response({"round": round_.number, "pools": pools})


class PabulibExportApi(APIView):
    """One pool in the Pabulib .pb format, voters numbered 1..n, ballots in
    the order of their choices. Before the results phase 403 with ``code:
    voting_open``: the round and pool exist, their ballots are not public
    yet."""

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    def get(self, request: Request, number: int, area: str) -> HttpResponse:
        round_ = round_or_404(number)
        try:
            election = pool_election(round_, area_or_404(area))
        except ValidationError as error:
            return refused(error, status_code=status.HTTP_403_FORBIDDEN)
        response = HttpResponse(
            pabulib_text(election), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="helsinki_round{number}_{area}.pb"'
        )
        return response


class ProposalInputSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=1000)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=10_000
    )
    district = serializers.CharField(
        allow_null=True,
        max_length=20,
        help_text="Code of the major district whose budget it competes for; "
        "null for a city-wide proposal.",
    )
    location = serializers.JSONField(required=False, allow_null=True, default=None)
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class ProposalListApi(cases_apis.ProposalListApi):
    """The proposals (read as items, from ``cases``) and their submission,
    which only a round's proposal phase accepts."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        request=ProposalInputSerializer,
        responses={201: cases_apis.ProposalOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        """Submit a budget proposal (any signed-in resident), during the
        round's proposal phase; 400 on ``round`` otherwise."""
        serializer = ProposalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_submit(
            actor=request.user, **serializer.validated_data
        )
        return Response(
            cases_apis.ProposalOutputSerializer(
                item_get(BudgetProposal.objects.all(), proposal.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )
