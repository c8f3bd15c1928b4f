"""What an area page and its feed show: the items in an official area,
read through the apps' selectors and the stored area links, and in a drawn
area, matched by geometry."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from districts.permissions import AnyUser
from feedback.selectors import feedback_recent, feedback_summary
from forums.selectors import forum_list, meeting_list
from initiatives.selectors import public_initiatives
from maps.features import item_page_url, item_title

# Rows per section on the page; the count says how many there are.
SECTION_LIMIT = 15
FEED_LIMIT = 30


@dataclass
class Section:
    rows: list[dict[str, Any]]
    count: int
    # The list view of every item the section counts.
    list_url: str = ""

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def list_url(collection: str, area: District, **filters: str) -> str:
    query = urlencode(
        {"collection": collection, "area": f"{area.level}:{area.code}", **filters}
    )
    return f"{reverse('pages:list')}?{query}"


def _section(
    items: QuerySet,
    collection: str,
    detail: str = "",
    url: str = "",
    limit: int | None = SECTION_LIMIT,
) -> Section:
    rows = [
        {
            "title": item_title(item),
            "url": item_page_url(collection, item.pk),
            "detail": str(getattr(item, f"get_{detail}_display")()) if detail else "",
        }
        for item in items[:limit]
    ]
    return Section(rows=rows, count=items.count(), list_url=url)


@dataclass
class ForumRow:
    title: str
    url: str = ""
    next_meeting: Any = None
    meetings: list[Any] = field(default_factory=list)


def area_contents(
    area: District, viewer: AnyUser, *, limit: int | None = SECTION_LIMIT
) -> dict[str, Any]:
    """The area's items by kind, ``limit`` rows each (None: all of them, as
    the printed report lists them)."""
    # Pending and of a topic residents can influence (cases.topics): the
    # list view's defaults, so "all N" there lists exactly these.
    cases = (
        Case.objects.in_area(area.pk).filter(status=Case.Status.PENDING).for_residents()
    )
    facilities = Facility.objects.in_area(area.pk).order_by("kind", "name_fi")
    proposals = BudgetProposal.objects.in_area(area.pk).order_by("-round_id", "title")
    upcoming = meeting_list(viewer=viewer, area=area, since=timezone.now())
    next_by_forum: dict[int, Any] = {}
    for meeting in upcoming:
        next_by_forum.setdefault(meeting.forum_id, meeting)
    forums = [
        ForumRow(
            title=forum.title,
            url=reverse("meetings:forum", args=[forum.pk]),
            next_meeting=next_by_forum.get(forum.pk),
        )
        for forum in forum_list(viewer=viewer, district=area)[:limit]
    ]
    return {
        "cases": _section(
            cases.order_by("-opened_on", "-id"),
            "cases",
            url=list_url("cases", area, status=Case.Status.PENDING),
            limit=limit,
        ),
        "facilities": _section(
            facilities,
            "facilities",
            "kind",
            url=list_url("facilities", area),
            limit=limit,
        ),
        "proposals": _section(
            proposals,
            "budget-proposals",
            "status",
            url=list_url("budget-proposals", area),
            limit=limit,
        ),
        "initiatives": _section(
            public_initiatives().in_area(area.pk).order_by("-published_at", "-id"),
            "initiatives",
            "status",
            limit=limit,
        ),
        "forums": forums,
        "feedback": feedback_summary(area),
    }


def custom_area_contents(area: CustomArea, viewer: AnyUser) -> dict[str, Any]:
    """A drawn area's pending cases, budget proposals and forums with their
    next meetings: what touches it, as for a forum of the area."""
    cases = (
        Case.objects.in_custom_area(area.pk)
        .filter(status=Case.Status.PENDING)
        .for_residents()
        .defer("location")
    )
    proposals = BudgetProposal.objects.in_custom_area(area.pk).defer("location")
    upcoming = meeting_list(viewer=viewer, area=area, since=timezone.now())
    next_by_forum: dict[int, Any] = {}
    for meeting in upcoming:
        next_by_forum.setdefault(meeting.forum_id, meeting)
    return {
        "cases": _section(cases.order_by("-opened_on", "-id"), "cases"),
        "proposals": _section(
            proposals.order_by("-round_id", "title"), "budget-proposals", "status"
        ),
        "forums": [
            ForumRow(
                title=forum.title,
                url=reverse("meetings:forum", args=[forum.pk]),
                next_meeting=next_by_forum.get(forum.pk),
            )
            for forum in forum_list(viewer=viewer, custom_area=area)
        ],
    }


def area_news(area: District) -> list[dict[str, Any]]:
    """The newest cases, budget proposals, published initiatives and
    feedback in the area, newest first."""
    news: list[dict[str, Any]] = []
    sources: tuple[tuple[Any, str], ...] = (
        (Case.objects.all(), "cases"),
        (BudgetProposal.objects.all(), "budget-proposals"),
        (public_initiatives(), "initiatives"),
    )
    for rows, collection in sources:
        items = rows.in_area(area.pk).order_by("-created_at")[:FEED_LIMIT]
        news.extend(
            {
                "title": item_title(item),
                "url": item_page_url(collection, item.pk),
                "created_at": item.created_at,
                "collection": collection,
                "id": item.pk,
            }
            for item in items
        )
    news.extend(
        {
            "title": item_title(item),
            "url": reverse("feedback-pages:detail", args=[item.service_request_id]),
            "created_at": item.requested_at,
            "collection": "feedback",
            "id": item.pk,
        }
        for item in feedback_recent(area, limit=FEED_LIMIT)
    )
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    news.sort(key=lambda row: row["created_at"] or epoch, reverse=True)
    return news[:FEED_LIMIT]
