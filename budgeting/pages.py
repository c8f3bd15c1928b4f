"""Residents' budgeting pages: propose, "my proposals", browse a round's
proposals and plans, and its results.

The rules are not here: a proposal is taken or refused by
``services.proposal_submit`` (the round's phase methods decide), and the
pages only ask the round the same question to know whether to show the
form. Map data and URLs reach the page's JS through ``json_script``.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from leaflet.templatetags.leaflet_tags import leaflet_map

from budgeting import selectors, services
from budgeting.forms import ProposalForm
from budgeting.models import Phase, Plan, Round
from districts.models import District
from districts.selectors import locate
from geo.points import point_at
from web.basemap import basemap
from web.forms import show_errors

PAGE_SIZE = 25
PROPOSAL_PROPERTIES = ["title", "status", "district__code"]
PLAN_PROPERTIES = ["title", "cost", "area__code", "selected"]


def _round_or_404(number: int) -> Round:
    round_ = selectors.round_get(number)
    if round_ is None:
        raise Http404(_("No budgeting round %(number)s.") % {"number": number})
    return round_


def _map_config(**extra: Any) -> dict[str, Any]:
    """What every budgeting map's JS needs: django-leaflet's options (the
    CSP allows no inline script, so its own tag cannot be used), the
    basemap and the pools' outlines to draw under everything, and its text
    in the page's language."""
    return {
        "leaflet": json.loads(leaflet_map("map")["djoptions"]),
        "basemap": basemap(),
        "outlines": json.loads(selectors.major_district_outlines()),
        "strings": {
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "marker": _("The place you picked. Drag to move it."),
            "picked": _("Place picked: latitude %(lat)s, longitude %(lon)s."),
            "noResults": _("No places found."),
            "searching": _("Searching…"),
            "choose": _("Put the marker in %(name)s"),
            "open": _("Open the page"),
            "plan": _("Plan %(id)s"),
        },
        **extra,
    }


def _proposal_rules(round_: Round) -> dict[str, Any]:
    return {
        "phase": round_.phase(Phase.Kind.PROPOSALS),
        "voting": round_.phase(Phase.Kind.VOTING),
    }


def propose_page(request: HttpRequest, number: int) -> HttpResponse:
    """The proposal form while the round takes proposals; otherwise the
    page says when it does (and a POST is refused by the service)."""
    round_ = _round_or_404(number)
    closed = round_.proposal_problem(timezone.localdate()) is not None
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                proposal = services.proposal_submit(
                    actor=request.user, round=number, **_proposal_fields(form)
                )
            except ValidationError as error:
                # The service's refusal is worded for the API; the page
                # says it in the reader's language from the round's dates.
                if "round" in getattr(error, "error_dict", {}):
                    closed = True
                else:
                    show_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your proposal “%(title)s” was received.")
                    % {"title": proposal.title},
                )
                return redirect("budgeting-pages:my-proposals")
        status = 400
    return render(
        request,
        "budgeting/propose.html",
        {
            "round": round_,
            "form": form,
            "closed": closed,
            **_proposal_rules(round_),
            "config": _map_config(
                mode="pick", search=reverse("pages:search"), point=_point_of(form)
            ),
        },
        status=status,
    )


def _point_of(form: ProposalForm) -> list[float] | None:
    """The point the resident had picked, so a refused form keeps it."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    if data.get("lon") is None or data.get("lat") is None:
        return None
    return [data["lon"], data["lat"]]


def _proposal_fields(form: ProposalForm) -> dict[str, Any]:
    """The service's arguments from the form. The pool comes from the
    point: the major district covering it, unless the resident chose the
    city-wide pool."""
    data = form.cleaned_data
    location = None
    if data.get("lon") is not None and data.get("lat") is not None:
        location = point_at(lon=data["lon"], lat=data["lat"])
    district = None
    if not data["city_wide"]:
        if location is None:
            raise ValidationError(
                {"lat": _("Pick the place on the map, or find it by its name.")}
            )
        covering = locate(location)[District.Level.MAJOR_DISTRICT]
        if covering is None:
            raise ValidationError(
                {"lat": _("The place is not on land in Helsinki. Pick another.")}
            )
        district = covering["code"]
    return {
        "title": data["title"],
        "description": data["description"],
        "estimated_cost": data["estimated_cost"],
        "district": district,
        "location": location,
    }


@login_required
def my_proposals_page(request: HttpRequest) -> HttpResponse:
    proposals = selectors.proposals_submitted_by(request.user)
    return render(
        request,
        "budgeting/my_proposals.html",
        {"page": _page(request, proposals)},
    )


def _page(request: HttpRequest, rows: QuerySet) -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _area_choices() -> list[tuple[str, str]]:
    return [(d.code, d.name()) for d in selectors.major_districts()] + [
        (selectors.CITY_WIDE, _("City-wide"))
    ]


def proposals_page(request: HttpRequest, number: int) -> HttpResponse:
    """A round's proposals or plans, in one pool or all, a page at a time:
    the same page of items as a list and on the map."""
    round_ = _round_or_404(number)
    choices = _area_choices()
    area = request.GET.get("area") or None
    show = "plans" if request.GET.get("show") == "plans" else "proposals"
    status = 200
    error = ""
    if area is not None and area not in dict(choices):
        error = _("There is no such major district. Choose one from the list.")
        status = 400
        area = None
    if show == "plans":
        rows: QuerySet = selectors.plan_list(round_=round_, area=area)
        properties = PLAN_PROPERTIES
    else:
        rows = selectors.proposal_browse(round_, area=area)
        properties = PROPOSAL_PROPERTIES
    page = _page(request, rows)
    on_page = rows.model.objects.filter(pk__in=[row.pk for row in page])
    features = json.loads(selectors.located_features(on_page, properties=properties))
    for feature in features:
        if show == "proposals":
            feature["properties"]["url"] = reverse(
                "pages:item", args=["budget-proposals", feature["id"]]
            )
    return render(
        request,
        "budgeting/proposals.html",
        {
            "round": round_,
            "page": page,
            "show": show,
            "area": area or "",
            "choices": choices,
            "error": error,
            "located": len(features),
            "config": _map_config(mode="show", features=features),
        },
        status=status,
    )


def results_page(request: HttpRequest, number: int) -> HttpResponse:
    round_ = _round_or_404(number)
    return render(
        request,
        "budgeting/results.html",
        {
            "round": round_,
            "allocation": selectors.allocation_table(round_),
            "pools": selectors.results(round_),
            "counted_here": round_.tallies.exists(),
            "config": _map_config(
                mode="results",
                url=reverse("budgeting:results-geojson", args=[round_.number]),
                statuses={
                    **dict(Plan.Implementation.choices),
                    "": _("not reported"),
                },
            ),
        },
    )
