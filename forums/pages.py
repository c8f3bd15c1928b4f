"""The pages residents read: a forum with its meetings, one meeting with its
agenda, minutes, venue and online link, and the meeting as an iCalendar
file. Visibility is the selectors': a forum of a private custom area is a
404 to anyone who may not see the area."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.permissions import can_run_forums_in
from forums import selectors
from forums.feeds import calendar_response
from forums.models import Forum, Meeting
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
        },
    )


def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    minutes = getattr(meeting, "minutes", None)
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
        },
    )


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as a calendar file: "add to calendar"."""
    meeting = meeting_or_404(request, pk)
    return calendar_response(
        request, title=meeting.title, meetings=[meeting], filename=f"meeting-{pk}.ics"
    )
