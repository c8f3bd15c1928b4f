"""``GET /api/v1/participation/``: one measure per area for one period, as
JSON or CSV (``?format=csv``)."""

import csv
import io
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.measures import MEASURES
from participation.periods import ROUND, YEAR
from participation.selectors import (
    ROW_FIELDS,
    Query,
    parse_query,
    rate_rows,
    totals,
)


@extend_schema_serializer(component_name="ParticipationRow")
class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()
    population = serializers.IntegerField(
        allow_null=True, help_text="Residents at the end of population_year."
    )
    count = serializers.IntegerField()
    per_1000 = serializers.FloatField(
        allow_null=True, help_text="count per 1,000 residents."
    )
    children_share = serializers.FloatField(allow_null=True, help_text="Aged 0-14.")
    elderly_share = serializers.FloatField(allow_null=True, help_text="Aged 65+.")
    swedish_share = serializers.FloatField(allow_null=True)
    foreign_language_share = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="ParticipationTotal")
class TotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    population = serializers.IntegerField()
    per_1000 = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="Participation")
class ParticipationSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(MEASURES))
    level = serializers.CharField()
    period = serializers.ChoiceField(choices=[ROUND, YEAR])
    round = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField()
    total = TotalSerializer(
        help_text="The areas added up; an item on a border counts twice."
    )
    results = RowSerializer(many=True)


def participation_data(query: Query) -> dict[str, Any]:
    rows = list(rate_rows(query))
    total = totals(rows)
    return {
        "measure": query.measure.name,
        "level": query.level,
        "period": query.period_kind,
        "round": query.period if query.period_kind == ROUND else None,
        "year": query.period if query.period_kind == YEAR else None,
        "population_year": query.population_year,
        "total": {
            "count": total.count,
            "population": total.population,
            "per_1000": total.per_1000,
        },
        "results": [
            {
                **{name: getattr(row, name) for name in ROW_FIELDS},
                "name_en": row.name_en or row.name_fi,
            }
            for row in rows
        ],
    }


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        out = io.StringIO()
        if isinstance(data, dict) and "results" in data:
            writer = csv.DictWriter(out, fieldnames=ROW_FIELDS)
            writer.writeheader()
            writer.writerows(data["results"])
        else:
            # An error: its messages, one per line.
            writer_rows = csv.writer(out)
            writer_rows.writerow(["field", "message"])
            for field, messages in (data or {}).items():
                for message in messages if isinstance(messages, list) else [messages]:
                    writer_rows.writerow([field, message])
        return out.getvalue().encode("utf-8")


PERIOD_HELP = (
    "The budgeting round (round measures) or calendar year (yearly "
    "measures); default the newest with population figures."
)


class ParticipationApi(APIView):
    """One measure of participation per area: the count, the population of
    the period's year, the count per 1,000 residents and the area's
    population structure. An item counts for every area it is linked to;
    a budget proposal on OmaStadi's placeholder points only for its major
    district."""

    authentication_classes = ()
    permission_classes = ()
    renderer_classes = (JSONRenderer, CSVRenderer)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "measure", str, enum=list(MEASURES), description="Default proposals."
            ),
            OpenApiParameter(
                "level",
                str,
                enum=["major_district", "district"],
                description="Default district.",
            ),
            OpenApiParameter("round", int, description=PERIOD_HELP),
            OpenApiParameter("year", int, description=PERIOD_HELP),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={200: ParticipationSerializer},
    )
    def get(self, request: Request) -> Response:
        data = participation_data(parse_query(request.query_params))
        response = Response(data)
        if request.accepted_renderer.format == "csv":
            period = data["round"] or data["year"]
            response["Content-Disposition"] = (
                f'attachment; filename="participation-{data["measure"]}-'
                f'{data["level"]}-{data["period"]}{period}.csv"'
            )
        return response
