"""The list view: one collection's items, narrowed by the same filters the
map's layers take (maps.layers), in the layer's order, a page at a time.

Cases leave out internal administration unless a topic is asked for
(cases.topics), as everywhere residents look by default.
"""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from districts.permissions import AnyUser
from maps.features import (
    filter_default,
    filter_label,
    filter_options,
    offered_layers,
)
from maps.layers import apply_filters, get_layer

PAGE_SIZE = 50
# ?topic=all: every case, internal administration included.
ALL_TOPICS = "all"
DEFAULT_COLLECTION = "cases"


@dataclass(frozen=True)
class ListFilter:
    param: str
    label: str
    options: list[tuple[str, str]]
    value: str
    # The option an empty value means.
    empty_label: str


def collections() -> list[tuple[str, str]]:
    return [(layer.name, str(shown.title)) for shown, layer in offered_layers()]


def topic_options() -> list[tuple[str, str]]:
    return [*filter_options("cases", "topic"), (ALL_TOPICS, str(_("All topics")))]


def list_filters(collection: str, params: QueryDict) -> list[ListFilter]:
    shown = next(s for s, _layer in offered_layers() if s.name == collection)
    return [
        ListFilter(
            param=param,
            label=filter_label(collection, param),
            options=topic_options()
            if param == "topic"
            else filter_options(collection, param),
            value=params.get(param, ""),
            empty_label=filter_default(param)[1],
        )
        for param in shown.filters
    ]


def _search(rows: QuerySet, text: str) -> QuerySet:
    search = getattr(rows, "search", None)
    if search is not None:
        return search(text)
    return rows.filter(Q(title__icontains=text) | Q(description__icontains=text))


def item_list(collection: str, params: QueryDict, viewer: AnyUser) -> QuerySet:
    """The collection's rows a viewer sees, narrowed by ``area``, the
    layer's filters and ``q``. Raises ValidationError (bad value) or
    Http404 (unknown area) as the map's layers do."""
    layer = get_layer(collection)
    filters: dict[str, Any] = {
        k: v for k, v in params.items() if k != "topic" or v != ALL_TOPICS
    }
    rows = apply_filters(layer, layer.feature_rows(viewer), filters, viewer)
    if collection == "cases" and not params.get("topic"):
        rows = rows.for_residents()  # type: ignore[attr-defined]
    if text := params.get("q", "").strip()[:100]:
        rows = _search(rows, text)
    return rows


def page_of(rows: QuerySet, number: str | None) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(number)
