"""Reads for forums and meetings. Visibility follows the forum's area: a
forum of a private custom area is seen only by those who see the area."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Q, QuerySet

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from districts.permissions import AnyArea, AnyUser
from districts.selectors import (
    areas_coordinated_by,
    custom_areas_visible_to,
    districts_beneath,
)
from forums.models import Follow, Follower, Forum, Meeting
from geo import srid

DASHBOARD_ROWS = 20

ItemT = TypeVar("ItemT", Case, Facility, BudgetProposal)


def forums_visible_to(viewer: AnyUser) -> QuerySet[Forum]:
    return Forum.objects.filter(
        Q(custom_area__isnull=True)
        | Q(custom_area__in=custom_areas_visible_to(viewer).values("id"))
    )


def forum_list(
    *,
    viewer: AnyUser,
    district: District | None = None,
    custom_area: CustomArea | None = None,
) -> QuerySet[Forum]:
    """Forums, optionally of one area: an official area's list includes the
    forums of the areas beneath it."""
    forums = forums_visible_to(viewer).select_related("district", "custom_area")
    if district is not None:
        forums = forums.filter(district_id__in=districts_beneath([district.pk]))
    if custom_area is not None:
        forums = forums.filter(custom_area=custom_area)
    return forums.order_by("title", "id")


def forum_get(*, viewer: AnyUser, pk: int) -> Forum | None:
    return (
        forums_visible_to(viewer)
        .select_related("district", "custom_area", "venue_facility")
        .filter(pk=pk)
        .first()
    )


def meetings_visible_to(viewer: AnyUser) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        forum__in=forums_visible_to(viewer).values("id")
    ).annotate(
        venue_geojson=AsGeoJSON(Transform("venue_location", srid.GEOJSON), precision=6)
    )


def meeting_list(
    *,
    viewer: AnyUser,
    forum: Forum | None = None,
    area: AnyArea | None = None,
    since: datetime | None = None,
) -> QuerySet[Meeting]:
    """Meetings of a forum, or of every forum of an area (with the areas
    beneath an official one), earliest first."""
    meetings = meetings_visible_to(viewer).select_related(
        "forum", "forum__district", "forum__custom_area", "venue_facility"
    )
    if forum is not None:
        meetings = meetings.filter(forum=forum)
    if isinstance(area, District):
        meetings = meetings.filter(forum__district_id__in=districts_beneath([area.pk]))
    elif isinstance(area, CustomArea):
        meetings = meetings.filter(forum__custom_area=area)
    if since is not None:
        meetings = meetings.filter(ends_at__gte=since)
    return meetings.order_by("starts_at", "id")


def meeting_get(*, viewer: AnyUser, pk: int) -> Meeting | None:
    return (
        meetings_visible_to(viewer)
        .select_related("forum", "forum__district", "forum__custom_area", "minutes")
        .prefetch_related("agenda_items__case", "agenda_items__proposal")
        .filter(pk=pk)
        .first()
    )


def follow_list(*, user: User) -> QuerySet[Follow]:
    return (
        Follow.objects.filter(user=user)
        .select_related("district", "custom_area", "forum")
        .defer("district__boundary", "custom_area__boundary")
    )


def follow_of(
    *,
    user: AnyUser,
    district: District | None = None,
    custom_area: CustomArea | None = None,
    forum: Forum | None = None,
) -> Follow | None:
    """The user's follow of exactly that area or forum, if any."""
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(
        user=user, district=district, custom_area=custom_area, forum=forum
    ).first()


def follower_get(*, user: User) -> Follower | None:
    return Follower.objects.filter(user=user).first()


@dataclass(frozen=True)
class FollowNews:
    """What is new in what a resident follows: the newest rows of each
    kind and how many there are."""

    since: datetime | None
    follows: list[Follow]
    cases: list[Case]
    case_count: int
    proposals: list[BudgetProposal]
    proposal_count: int
    meetings: list[Meeting]
    meeting_count: int

    @property
    def empty(self) -> bool:
        return not (self.case_count or self.proposal_count or self.meeting_count)


def _in_followed(
    follows: list[Follow], since: datetime | None, until: datetime | None
) -> dict[str, Q]:
    """One condition per kind: in a followed target and newer than both the
    last visit and the follow itself, so a new follow does not bring the
    area's whole history along. Official areas match by the stored area
    links (every level, so the areas beneath count), drawn ones by
    geometry, forums by their meetings."""
    nothing = Q(pk__in=[])
    found = {"cases": nothing, "proposals": nothing, "meetings": nothing}
    for follow in follows:
        after = Q(
            created_at__gt=max(since, follow.created_at) if since else follow.created_at
        )
        if until is not None:
            after &= Q(created_at__lte=until)
        if follow.district_id is not None:
            cases = Case.objects.in_area(follow.district_id)
            proposals = BudgetProposal.objects.in_area(follow.district_id)
            meetings = Meeting.objects.filter(
                forum__district_id__in=districts_beneath([follow.district_id])
            )
        elif follow.custom_area_id is not None:
            cases = Case.objects.in_custom_area(follow.custom_area_id)
            proposals = BudgetProposal.objects.in_custom_area(follow.custom_area_id)
            meetings = Meeting.objects.filter(forum__custom_area=follow.custom_area_id)
        else:
            meetings = Meeting.objects.filter(forum=follow.forum_id)
            found["meetings"] |= after & Q(pk__in=meetings.values("pk"))
            continue
        found["cases"] |= after & Q(pk__in=cases.values("pk"))
        found["proposals"] |= after & Q(pk__in=proposals.values("pk"))
        found["meetings"] |= after & Q(pk__in=meetings.values("pk"))
    return found


def follow_news(
    *, user: User, until: datetime | None = None, rows: int | None = DASHBOARD_ROWS
) -> FollowNews:
    """New cases, budget proposals and scheduled meetings in what ``user``
    follows since their last visit (and up to ``until``). Reads only: the
    last visit moves when the resident marks the news seen or a digest is
    sent."""
    follower = follower_get(user=user)
    since = follower.seen_at if follower is not None else None
    visible_areas = custom_areas_visible_to(user).values("id")
    follows = list(
        follow_list(user=user)
        .filter(Q(custom_area__isnull=True) | Q(custom_area__in=visible_areas))
        .filter(Q(forum__isnull=True) | Q(forum__in=forums_visible_to(user)))
        .order_by("created_at", "id")
    )
    found = _in_followed(follows, since, until)
    cases = Case.objects.filter(found["cases"]).defer("location")
    proposals = BudgetProposal.objects.filter(found["proposals"]).defer("location")
    meetings = meetings_visible_to(user).filter(found["meetings"])
    return FollowNews(
        since=since,
        follows=follows,
        cases=list(cases.order_by("-created_at", "-id")[:rows]),
        case_count=cases.count(),
        proposals=list(proposals.order_by("-created_at", "-id")[:rows]),
        proposal_count=proposals.count(),
        meetings=list(
            meetings.select_related("forum").order_by("starts_at", "id")[:rows]
        ),
        meeting_count=meetings.count(),
    )


def dashboard(
    *, user: AnyUser, since: datetime | None, now: datetime
) -> dict[str, Any]:
    """What is new in the user's areas since ``since`` (everything the first
    time): cases and budget proposals added, and meetings still to come."""
    districts, custom = areas_coordinated_by(user)
    in_areas = Q(areas__in=districts)
    for area_id in custom:
        in_areas |= Q(pk__in=Case.objects.in_custom_area(area_id).values("pk"))
    cases = Case.objects.filter(in_areas)
    proposal_areas = Q(areas__in=districts) | Q(district_id__in=districts)
    for area_id in custom:
        proposal_areas |= Q(
            pk__in=BudgetProposal.objects.in_custom_area(area_id).values("pk")
        )
    proposals = BudgetProposal.objects.filter(proposal_areas)
    if since is not None:
        cases = cases.filter(created_at__gt=since)
        proposals = proposals.filter(created_at__gt=since)
    forums = Forum.objects.filter(
        Q(district_id__in=districts) | Q(custom_area_id__in=custom)
    )
    meetings = (
        Meeting.objects.filter(forum__in=forums, ends_at__gte=now)
        .select_related("forum")
        .order_by("starts_at")
    )
    return {
        "since": since,
        "cases": cases.distinct()
        .defer("location")
        .order_by("-created_at")[:DASHBOARD_ROWS],
        "case_count": cases.distinct().count(),
        "proposals": proposals.distinct()
        .defer("location")
        .order_by("-created_at")[:DASHBOARD_ROWS],
        "proposal_count": proposals.distinct().count(),
        "meetings": meetings[:DASHBOARD_ROWS],
        "forums": forums.order_by("title"),
    }


def items_in(model: type[ItemT], area: AnyArea) -> QuerySet[ItemT]:
    """Cases, facilities or proposals of a forum's area: linked to an
    official area (links cover every level, so the areas beneath count
    too), or touching a drawn one."""
    items = model.objects.all()
    if isinstance(area, CustomArea):
        return items.in_custom_area(area.pk)  # type: ignore[attr-defined, no-any-return]
    return items.in_area(area.pk)  # type: ignore[attr-defined, no-any-return]
