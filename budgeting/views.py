"""Plain Django views: the results layer (GeoJSON), the rounds and a
round's page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from budgeting import selectors
from web.errors import bad_input_is_400


@bad_input_is_400
def results_geojson(request: HttpRequest, number: int | None = None) -> HttpResponse:
    """Selected plans with a place, and how far their implementation is."""
    round_ = None
    if number is not None:
        round_ = selectors.round_get(number)
        if round_ is None:
            raise Http404(f"No budgeting round {number}.")
    area = request.GET.get("area") or None
    return HttpResponse(
        selectors.selected_plans_geojson(round_, area=area),
        content_type="application/geo+json",
    )


def round_page(request: HttpRequest, number: int) -> HttpResponse:
    round_ = selectors.round_get(number)
    if round_ is None:
        raise Http404(f"No budgeting round {number}.")
    return render(
        request,
        "budgeting/round.html",
        {
            "round": round_,
            "allocation": selectors.allocation_table(round_),
            "pools": selectors.results(round_),
        },
    )


def rounds_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "budgeting/rounds.html",
        {
            "rounds": list(selectors.round_list().order_by("-number")),
            "open_phases": list(selectors.phases_open_on(today)),
            "today": today,
        },
    )
