"""Meetings as Atom (Django's syndication framework) and iCalendar
(``icalendar``), per forum and per area. A feed shows only what the
requesting user (session or ``Authorization: Token``) may see: the forum
of a private custom area is a 404 to a calendar client that is not its
owner."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

from districts.permissions import AnyArea, AnyUser
from districts.selectors import custom_areas_visible_to, district_get
from forums.models import Meeting
from forums.selectors import forum_get, meeting_list
from web.feeds import CleanAtom1Feed
from web.viewer import viewer_of

# A feed is a calendar, not an archive.
FEED_ROWS = 200


@dataclass
class Scope:
    """What one feed lists: a title, the page it describes, its meetings."""

    title: str
    link: str
    meetings: list[Meeting]


def area_meetings(viewer: AnyUser, area: AnyArea, link: str) -> Scope:
    meetings = meeting_list(viewer=viewer, area=area)
    return Scope(
        title=f"{area.name_fi}: meetings",
        link=link,
        meetings=list(meetings.order_by("-starts_at")[:FEED_ROWS]),
    )


def scope_of(request: HttpRequest, **kwargs: str) -> Scope:
    """The feed's scope from the URL: ``forum``, ``level``+``code`` or
    ``custom_area``, as the requesting user (session or token) sees it."""
    viewer = viewer_of(request)
    if "forum" in kwargs:
        forum = forum_get(viewer=viewer, pk=int(kwargs["forum"]))
        if forum is None:
            raise Http404("No such forum.")
        meetings = meeting_list(viewer=viewer, forum=forum)
        return Scope(
            title=f"{forum.title}: meetings",
            link=reverse("meetings:forum", args=[forum.pk]),
            meetings=list(meetings.order_by("-starts_at")[:FEED_ROWS]),
        )
    if "custom_area" in kwargs:
        area = (
            custom_areas_visible_to(viewer)
            .filter(pk=int(kwargs["custom_area"]))
            .defer("boundary")
            .first()
        )
        if area is None:
            raise Http404("No such custom area.")
        link = reverse("districts:custom-area-detail", args=[area.pk])
        return area_meetings(viewer, area, link)
    district = district_get(level=kwargs["level"], code=kwargs["code"])
    if district is None:
        raise Http404("No such area.")
    link = reverse("pages:area", args=[district.level, district.code])
    return area_meetings(viewer, district, link)


def describe(meeting: Meeting) -> str:
    lines = [
        f"{meeting.forum.title}",
        f"When: {local_time(meeting.starts_at)} - {local_time(meeting.ends_at)}",
    ]
    if venue := meeting.venue_text():
        lines.append(f"Venue: {venue}")
    if meeting.online_url:
        lines.append(f"Online: {meeting.online_url}")
    if meeting.languages:
        lines.append(f"Languages: {', '.join(meeting.languages)}")
    if meeting.accessibility_notes:
        lines.append(f"Accessibility: {meeting.accessibility_notes}")
    return "\n".join(lines)


def meeting_link(meeting: Meeting) -> str:
    """The meeting's page for residents (not its JSON)."""
    return reverse("meetings:meeting", args=[meeting.pk])


def local_time(moment: datetime) -> str:
    """A time as Helsinki reads it (settings.TIME_ZONE), with its offset."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


class MeetingAtomFeed(Feed):
    feed_type = CleanAtom1Feed

    def get_object(self, request: HttpRequest, **kwargs: str) -> Scope:  # type: ignore[override]
        return scope_of(request, **kwargs)

    def title(self, scope: Scope) -> str:
        return scope.title

    def link(self, scope: Scope) -> str:
        return scope.link

    def subtitle(self, scope: Scope) -> str:
        return "Piiri: meetings of area forums in Helsinki"

    def items(self, scope: Scope) -> list[Meeting]:
        return scope.meetings

    def item_title(self, meeting: Meeting) -> str:
        return f"{meeting.title} ({local_time(meeting.starts_at)})"

    def item_description(self, meeting: Meeting) -> str:
        return describe(meeting)

    def item_link(self, meeting: Meeting) -> str:
        return meeting_link(meeting)

    def item_guid(self, meeting: Meeting) -> str:
        return f"piiri-meeting-{meeting.pk}"

    def item_updateddate(self, meeting: Meeting) -> datetime:
        return meeting.updated_at

    def item_pubdate(self, meeting: Meeting) -> datetime:
        return meeting.created_at


def calendar_response(
    request: HttpRequest, *, title: str, meetings: list[Meeting], filename: str
) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Piiri//Helsinki area forums//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    host = request.get_host()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        if venue := meeting.venue_text():
            event.add("location", vText(venue))
        page = request.build_absolute_uri(meeting_link(meeting))
        event.add("description", f"{describe(meeting)}\n{page}")
        # The link to join, as before; the page otherwise.
        event.add("url", meeting.online_url or page)
        calendar.add_component(event)
    response = HttpResponse(
        calendar.to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def meetings_ics(request: HttpRequest, **kwargs: str) -> HttpResponse:
    scope = scope_of(request, **kwargs)
    return calendar_response(
        request, title=scope.title, meetings=scope.meetings, filename="meetings.ics"
    )
