"""Residents' initiative pages: write, see same-topic suggestions and
publish, support and withdraw, and the twice-yearly report. Plain Django
views with CSRF-protected forms; the services decide permissions."""

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import PointOnSurface
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.models import BudgetProposal
from districts.identity import identity_of, is_strong
from districts.models import District
from districts.permissions import can_handle_initiatives
from initiatives import services
from initiatives.forms import InitiativeForm
from initiatives.kinds import feedback_url, suggest_kind
from initiatives.models import Initiative, Support
from initiatives.selectors import (
    COUNCIL,
    current_half,
    initiative_get,
    public_initiatives,
    report_boards,
    report_rows,
    supports_by_home_district,
    threshold_of,
    with_support_count,
)
from initiatives.similarity import similar_to
from web.viewer import viewer_of


def _page_url(pk: int) -> str:
    return reverse("initiative-pages:detail", kwargs={"pk": pk})


def initiative_list(request: HttpRequest) -> HttpResponse:
    items = with_support_count(public_initiatives()).order_by("-published_at", "-id")
    return render(request, "initiatives/list.html", {"initiatives": items[:100]})


def _neighbourhood_point(code: str) -> Any:
    if not code:
        return None
    return (
        District.objects.at_level(District.Level.NEIGHBOURHOOD)
        .filter(code=code)
        .annotate(point=PointOnSurface("boundary"))
        .values_list("point", flat=True)
        .first()
    )


@login_required
def initiative_new(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.initiative_create(
                author=request.user,
                title=data["title"],
                text=data["text"],
                topic=data["topic"],
                language=data["language"],
                is_youth=data["is_youth"],
                location=_neighbourhood_point(data["neighbourhood"]),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(_page_url(initiative.pk))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/new.html",
        {"form": form, "feedback_url": feedback_url()},
        status=status,
    )


def similar_links(item: Initiative | BudgetProposal) -> list[dict[str, Any]]:
    """The five items most like ``item``, as page links: what every
    initiative and budget proposal page shows."""
    return [
        {
            "title": found.title,
            "kind": found.kind,
            "url": _page_url(found.id)
            if found.kind == "initiative"
            else reverse(
                "pages:item",
                kwargs={"collection": "budget-proposals", "item_id": found.id},
            ),
            "distance_km": None
            if found.distance_m is None
            else round(found.distance_m / 1000, 1),
        }
        for found in similar_to(item, limit=5)
    ]


def initiative_page(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_of(request)
    initiative = initiative_get(viewer=viewer, pk=pk)
    identity = identity_of(request)
    supported = (
        identity is not None
        and Support.objects.filter(
            initiative=initiative, digest=services.supporter_digest(identity)
        ).exists()
    )
    is_author = viewer.is_authenticated and initiative.author_id == viewer.pk
    context = {
        "initiative": initiative,
        "areas": initiative.areas.filter(is_sea=False).order_by("level", "code"),
        "by_district": supports_by_home_district(initiative),
        "threshold": threshold_of(initiative),
        "similar": similar_links(initiative),
        "is_author": is_author,
        "is_staff": can_handle_initiatives(viewer),
        "supported": supported,
        "strong": is_strong(identity),
        "feedback_url": feedback_url(),
    }
    if initiative.status == Initiative.Status.DRAFT:
        kind = suggest_kind(title=initiative.title, text=initiative.text)
        context["kind"] = kind
        if kind.case_id:
            context["case_url"] = reverse(
                "pages:item", kwargs={"collection": "cases", "item_id": kind.case_id}
            )
    return render(request, "initiatives/detail.html", context)


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    initiative = initiative_get(viewer=viewer_of(request), pk=pk)
    try:
        action(initiative)
    except ValidationError as error:
        return render(
            request,
            "initiatives/refused.html",
            {"initiative": initiative, "message": " ".join(error.messages)},
            status=400,
        )
    except PermissionDenied as error:
        return render(
            request,
            "initiatives/refused.html",
            {"initiative": initiative, "message": str(error)},
            status=403,
        )
    return redirect(_page_url(initiative.pk))


@require_POST
@login_required
def initiative_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.initiative_publish(actor=request.user, initiative=i),
    )


@require_POST
def initiative_support(request: HttpRequest, pk: int) -> HttpResponse:
    identity = identity_of(request)
    return _act(
        request, pk, lambda i: services.support_give(initiative=i, identity=identity)
    )


@require_POST
def initiative_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    identity = identity_of(request)
    return _act(
        request,
        pk,
        lambda i: services.support_withdraw(initiative=i, identity=identity),
    )


REPORT_COLUMNS = (
    "id",
    "title",
    "published_at",
    "supports",
    "status",
    "board",
    "ahjo_case_id",
    "answer",
    "actions",
    "is_youth",
    "is_demo",
)


def report(request: HttpRequest) -> HttpResponse:
    """Every initiative made in a half-year, its support, who handles it and
    what was done: for the council (all) or one board (``?board=``)."""
    half = request.GET.get("half") or current_half()
    board = request.GET.get("board")
    try:
        rows = list(report_rows(half=half, board=board))
        boards = report_boards(half=half)
    except ValidationError as error:
        return render(
            request,
            "initiatives/refused.html",
            {"message": " ".join(error.messages)},
            status=400,
        )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"initiatives-{half}{'-' + board if board else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(REPORT_COLUMNS)
        for item in rows:
            values = {"supports": item.support_count, **vars(item)}  # type: ignore[attr-defined]
            writer.writerow([values.get(column, "") for column in REPORT_COLUMNS])
        return response
    return render(
        request,
        "initiatives/report.html",
        {
            "half": half,
            "board": board,
            "council": COUNCIL,
            "boards": boards,
            "rows": rows,
        },
    )
