"""Forum pages: the public list of forums and meetings, and the
coordinators' dashboard, forum and meeting forms and a meeting's agenda and
minutes. Plain Django views with CSRF-protected forms; the services decide
permissions."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from districts.permissions import (
    assigned_ids,
    can_run_forums_in,
    can_use_coordinator_pages,
    ensure,
)
from districts.selectors import areas_coordinated_by
from districts.services import custom_area_create
from forums import selectors, services
from forums.area_maps import area_map_config, outline
from forums.forms import (
    AgendaItemForm,
    AttendanceForm,
    CustomAreaForm,
    ForumEditForm,
    ForumForm,
    MeetingForm,
    MinutesForm,
)
from forums.models import Forum
from forums.selectors import ItemT
from web.forms import show_errors


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


# Meetings on the public list: the next few weeks of a busy city.
UPCOMING_MEETINGS = 50


def forum_list_page(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_list(viewer=request.user, since=timezone.now())
    return render(
        request,
        "forums/forum_list.html",
        {
            "forums": list(selectors.forum_list(viewer=request.user)),
            "meetings": list(meetings[:UPCOMING_MEETINGS]),
        },
    )


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
            return redirect("forum-pages:forum", pk=forum.pk)
    status = 400 if form.errors else 200
    return render(request, "forums/forum_new.html", {"form": form}, status=status)


def coordinator_outlines(request: HttpRequest) -> list[dict[str, Any]]:
    """The areas assigned to the coordinator, as the drawing map shows
    them: a public custom area must lie inside one of them."""
    district_ids, custom_ids = assigned_ids(request.user)
    areas: list[District | CustomArea] = [
        *District.objects.filter(pk__in=district_ids).order_by("level", "code"),
        *CustomArea.objects.filter(pk__in=custom_ids).order_by("pk"),
    ]
    return [outline(area.boundary, {"name": str(area)}) for area in areas]


@login_required
def custom_area_new(request: HttpRequest) -> HttpResponse:
    """Draw a custom area on a map. The rules (a valid boundary in
    Helsinki; a public one inside the coordinator's areas) are the
    service's; its refusals are shown on the form."""
    coordinator_only(request)
    form = CustomAreaForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            area = custom_area_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        except PermissionDenied as error:
            form.add_error("boundary", str(error))
            status = 403
        else:
            return redirect("pages:custom-area", pk=area.pk)
    if form.errors and status == 200:
        status = 400
    areas = coordinator_outlines(request)
    context = {
        "form": form,
        "assigned": [feature["properties"]["name"] for feature in areas],
        "config": area_map_config(
            areas=areas, draw_field=form["boundary"].id_for_label
        ),
    }
    return render(request, "forums/custom_area_new.html", context, status=status)


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
            return redirect("forum-pages:forum", pk=forum.pk)
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
    facilities = selectors.items_in(Facility, forum.area).order_by("name_fi")
    form = MeetingForm(request.POST or None, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(
                actor=request.user, forum=forum, **form.cleaned_data
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("forum-pages:forum", pk=forum.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "forums/meeting_new.html",
        {"forum": forum, "form": form},
        status=status,
    )


# How many of the area's cases and proposals the agenda form offers: the
# most recent first; older ones are added through the API by id.
AGENDA_CHOICES = 300


def latest(items: QuerySet[ItemT]) -> QuerySet[ItemT]:
    """The first AGENDA_CHOICES of ``items``, as a queryset a form field can
    still filter (a sliced one cannot be)."""
    ids = list(items.values_list("pk", flat=True)[:AGENDA_CHOICES])
    return items.filter(pk__in=ids)


@login_required
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's agenda and minutes, built by the forum's coordinators."""
    coordinator_only(request)
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    if meeting is None:
        raise Http404("No such meeting.")
    area = meeting.forum.area
    ensure(
        can_run_forums_in(request.user, area),
        "Only the coordinators of this forum's area edit its meetings.",
    )
    agenda_form = AgendaItemForm(
        request.POST if "add_item" in request.POST else None,
        cases=latest(selectors.items_in(Case, area).order_by("-opened_on", "-id")),
        proposals=latest(selectors.items_in(BudgetProposal, area).order_by("-id")),
    )
    minutes = getattr(meeting, "minutes", None)
    minutes_form = MinutesForm(
        request.POST if "publish_minutes" in request.POST else None,
        initial={"body": minutes.body if minutes else ""},
    )
    if request.method == "POST":
        try:
            if "remove_item" in request.POST:
                item = meeting.agenda_items.filter(
                    pk=request.POST["remove_item"]
                ).first()
                if item is None:
                    raise Http404("No such agenda item.")
                services.agenda_item_remove(actor=request.user, item=item)
                return redirect("forum-pages:meeting", pk=meeting.pk)
            if agenda_form.is_bound and agenda_form.is_valid():
                services.agenda_item_add(
                    actor=request.user, meeting=meeting, **agenda_form.cleaned_data
                )
                return redirect("forum-pages:meeting", pk=meeting.pk)
            if minutes_form.is_bound and minutes_form.is_valid():
                services.minutes_publish(
                    actor=request.user,
                    meeting=meeting,
                    body=minutes_form.cleaned_data["body"],
                )
                return redirect("forum-pages:meeting", pk=meeting.pk)
        except ValidationError as error:
            show_errors(agenda_form if agenda_form.is_bound else minutes_form, error)
    status = 400 if agenda_form.errors or minutes_form.errors else 200
    return render(
        request,
        "forums/meeting.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "agenda": list(meeting.agenda_items.all()),
            "agenda_form": agenda_form,
            "minutes_form": minutes_form,
            "minutes": minutes,
            "can_publish_minutes": meeting.starts_at <= timezone.now(),
        },
        status=status,
    )


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting, where its coordinator records how many came."""
    coordinator_only(request)
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    if meeting is None:
        raise Http404("No such meeting.")
    ensure(
        can_run_forums_in(request.user, meeting.forum.area),
        "Only the coordinators of this forum's area record its meetings.",
    )
    initial = {"attendance": meeting.attendance}
    form = AttendanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_attendance_record(
                actor=request.user,
                meeting=meeting,
                attendance=form.cleaned_data["attendance"],
                at=timezone.now(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("forum-pages:meeting-attendance", pk=meeting.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "forums/meeting_attendance.html",
        {
            "meeting": meeting,
            "form": form,
            "started": meeting.has_started(timezone.now()),
        },
        status=status,
    )
