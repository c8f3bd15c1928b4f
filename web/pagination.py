"""Limit/offset pages for the JSON APIs, and their OpenAPI shape."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


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
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(rows, request, view=view) or []
    return paginator.get_paginated_response([row(request, item) for item in page])
