"""The pages residents read: a forum with its meetings, one meeting with its
agenda, minutes, venue and online link, and the meeting as an iCalendar
file; following areas and forums, what is new in them since the last
visit, and the link that stops digests. Visibility is the selectors': a
forum of a private custom area is a 404 to anyone who may not see the
area."""

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.models import CustomArea, District
from districts.permissions import can_run_forums_in
from districts.selectors import custom_area_by_id, district_by_ref
from forums import selectors, services
from forums.area_maps import area_map_config, outline
from forums.digests import user_of_unsubscribe_token
from forums.feeds import calendar_response
from forums.models import Forum, Meeting
from web.errors import error_response, validation_messages
from web.viewer import viewer_of


def forum_or_404(request: HttpRequest, pk: int) -> Forum:
    forum = selectors.forum_get(viewer=viewer_of(request), pk=pk)
    if forum is None:
        raise Http404(_("No such forum."))
    return forum


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.meeting_get(viewer=viewer_of(request), pk=pk)
    if meeting is None:
        raise Http404(_("No such meeting."))
    return meeting


def forum_page(request: HttpRequest, pk: int) -> HttpResponse:
    forum = forum_or_404(request, pk)
    now = timezone.now()
    meetings = list(selectors.meeting_list(viewer=viewer_of(request), forum=forum))
    return render(
        request,
        "forums/public_forum.html",
        {
            "forum": forum,
            "upcoming": [m for m in meetings if m.ends_at >= now],
            "past": [m for m in reversed(meetings) if m.ends_at < now],
            "runs_it": can_run_forums_in(request.user, forum.area),
            "follow": follow_button(request, forum=forum),
            "config": area_map_config(areas=[area_outline(forum)]),
        },
    )


def area_outline(forum: Forum) -> dict[str, Any]:
    return outline(forum.area.boundary, {"name": str(forum.area)})


def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    minutes = getattr(meeting, "minutes", None)
    venue = meeting.venue_facility
    return render(
        request,
        "forums/public_meeting.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "agenda": list(meeting.agenda_items.all()),
            "minutes": minutes,
            "meeting_languages": [
                Meeting.Language(code).label
                for code in meeting.languages
                if code in Meeting.Language.values
            ],
            "runs_it": can_run_forums_in(request.user, meeting.forum.area),
            "config": area_map_config(
                areas=[area_outline(meeting.forum)],
                point=venue.location if venue is not None else None,
            ),
        },
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as a calendar file: "add to calendar"."""
    meeting = meeting_or_404(request, pk)
    return calendar_response(
        request, title=meeting.title, meetings=[meeting], filename=f"meeting-{pk}.ics"
    )


def follow_button(
    request: HttpRequest,
    *,
    district: District | None = None,
    custom_area: CustomArea | None = None,
    forum: Forum | None = None,
) -> dict[str, Any]:
    """What the Follow button of an area or forum page needs
    (forums/_follow.html)."""
    if district is not None:
        target = ("area", f"{district.level}:{district.code}")
    elif custom_area is not None:
        target = ("custom_area", str(custom_area.pk))
    else:
        assert forum is not None
        target = ("forum", str(forum.pk))
    follow = selectors.follow_of(
        user=request.user, district=district, custom_area=custom_area, forum=forum
    )
    return {"field": target[0], "value": target[1], "following": follow is not None}


def _back_to(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("meetings:news")


def _refusal(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return error_response(request, 400, validation_messages(error)["detail"])


@require_POST
@login_required
def follow(request: HttpRequest) -> HttpResponse:
    """Follow (or, with ``action=unfollow``, stop following) the area,
    custom area or forum the form names, then back to its page."""
    data = request.POST
    try:
        district = district_by_ref(data["area"]) if data.get("area") else None
        custom_area = (
            custom_area_by_id(data["custom_area"], viewer=request.user)
            if data.get("custom_area")
            else None
        )
        forum = None
        if data.get("forum"):
            raw = data["forum"]
            forum = (
                selectors.forum_get(viewer=request.user, pk=int(raw))
                if raw.isascii() and raw.isdigit() and len(raw) < 18
                else None
            )
            if forum is None:
                raise ValidationError({"forum": _("No such forum.")})
        if data.get("action") == "unfollow":
            existing = selectors.follow_of(
                user=request.user,
                district=district,
                custom_area=custom_area,
                forum=forum,
            )
            if existing is not None:
                services.follow_delete(user=request.user, follow=existing)
        else:
            services.follow_create(
                user=request.user,
                district=district,
                custom_area=custom_area,
                forum=forum,
                language=(get_language() or "")[:2],
            )
    except ValidationError as error:
        return _refusal(request, error)
    return redirect(_back_to(request))


@login_required
def news_page(request: HttpRequest) -> HttpResponse:
    """Since your last visit: reading it changes nothing."""
    assert request.user.is_authenticated
    news = selectors.follow_news(user=request.user)
    follower = selectors.follower_get(user=request.user)
    return render(
        request,
        "forums/news.html",
        {
            "news": news,
            "digests": follower.digests if follower is not None else True,
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def news_seen(request: HttpRequest) -> HttpResponse:
    """Mark what the page showed as seen: the page's own time, so what came
    in after it was loaded stays new."""
    assert request.user.is_authenticated
    raw = request.POST.get("seen_at", "")
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        return error_response(
            request, 400, _("The form is missing the time the page was read.")
        )
    if timezone.is_naive(at):
        return error_response(request, 400, _("The time has no time zone."))
    services.follows_mark_seen(user=request.user, at=min(at, timezone.now()))
    return redirect("meetings:news")


@require_POST
@login_required
def digests_switch(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated
    services.digests_switch(user=request.user, on=request.POST.get("digests") == "on")
    return redirect("meetings:news")


@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every digest: stops them without signing in. GET asks
    (mail scanners follow links), POST stops."""
    user = user_of_unsubscribe_token(token)
    if user is None:
        raise Http404(_("This unsubscribe link is not valid."))
    if request.method == "POST":
        services.digests_switch(user=user, on=False)
    return render(
        request, "forums/unsubscribe.html", {"done": request.method == "POST"}
    )
