"""Limit/offset pages for the JSON APIs, and their OpenAPI shape."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from web.params import whole_number

# A page of at most this many rows (a larger ?limit= is clamped, as DRF
# does); an offset past MAX_OFFSET is refused before it reaches SQL.
MAX_PAGE = 1000
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    max_limit = MAX_PAGE

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw in (None, ""):
            return 0
        return whole_number(raw, name=self.offset_query_param, high=MAX_OFFSET)


def paginated_schema(name: str, row: type[serializers.Serializer]) -> Any:
    """The OpenAPI shape of what ``paginated`` returns."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": row(many=True),
        },
    )


def paginated(
    view: APIView,
    request: Request,
    rows: Any,
    row: Callable[[Request, Any], dict[str, Any]],
) -> Response:
    """One limit/offset page of ``rows``, each shaped by ``row``."""
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view) or []
    return paginator.get_paginated_response([row(request, item) for item in page])
