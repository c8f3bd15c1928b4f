"""Reads for forums and meetings. Visibility follows the forum's area: a
forum of a private custom area is seen only by those who see the area."""

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
from forums.models import Follow, Forum, Meeting
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
    return Follow.objects.filter(user=user).select_related(
        "district", "custom_area", "forum"
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
