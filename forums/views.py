"""Coordinator pages: the dashboard and the forum and meeting forms. Plain
Django views with CSRF-protected forms; the services decide permissions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from districts.models import CustomArea, District
from districts.permissions import (
    can_run_forums_in,
    can_use_coordinator_pages,
    ensure,
)
from districts.selectors import areas_coordinated_by
from forums import selectors, services
from forums.forms import ForumEditForm, ForumForm, MeetingForm, show_errors
from forums.models import Forum


def coordinator_only(request: HttpRequest) -> None:
    ensure(
        can_use_coordinator_pages(request.user),
        "These pages are for area coordinators.",
    )


def forum_or_404(request: HttpRequest, pk: int) -> Forum:
    forum = selectors.forum_get(viewer=request.user, pk=pk)
    if forum is None:
        raise Http404("No such forum.")
    return forum


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    coordinator_only(request)
    now = timezone.now()
    since = services.dashboard_visit(user=request.user, at=now)  # type: ignore[arg-type]
    news = selectors.dashboard(user=request.user, since=since, now=now)
    return render(request, "forums/dashboard.html", {"news": news})


@login_required
def forum_new(request: HttpRequest) -> HttpResponse:
    coordinator_only(request)
    district_ids, custom_ids = areas_coordinated_by(request.user)
    choices = {
        "districts": list(
            District.objects.filter(pk__in=district_ids)
            .defer("boundary")
            .order_by("level", "code")
        ),
        "custom_areas": list(
            CustomArea.objects.filter(pk__in=custom_ids).defer("boundary")
        ),
    }
    form = ForumForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum = services.forum_create(
                actor=request.user,
                area=data["area"],
                title=data["title"],
                description=data["description"],
                venue_address=data["venue_address"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("forums:page-forum", pk=forum.pk)
    status = 400 if form.errors else 200
    return render(request, "forums/forum_new.html", {"form": form}, status=status)


@login_required
def forum_page(request: HttpRequest, pk: int) -> HttpResponse:
    coordinator_only(request)
    forum = forum_or_404(request, pk)
    initial = {
        "title": forum.title,
        "description": forum.description,
        "venue_address": forum.venue_address,
    }
    form = ForumEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_update(actor=request.user, forum=forum, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("forums:page-forum", pk=forum.pk)
    elif request.method == "GET":
        ensure(
            can_run_forums_in(request.user, forum.area),
            "Only the coordinators of this forum's area edit it.",
        )
    meetings = selectors.meeting_list(viewer=request.user, forum=forum)
    status = 400 if form.errors else 200
    return render(
        request,
        "forums/forum.html",
        {"forum": forum, "form": form, "meetings": meetings},
        status=status,
    )


@login_required
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    coordinator_only(request)
    forum = forum_or_404(request, pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(
                actor=request.user, forum=forum, **form.cleaned_data
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("forums:page-forum", pk=forum.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "forums/meeting_new.html",
        {"forum": forum, "form": form},
        status=status,
    )
