from collections.abc import Iterable

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from districts.models import AuditLog, CustomArea, District
from districts.permissions import (
    AnyUser,
    assigned_ids,
    can_read_audit_log,
    ensure,
    is_admin,
    is_coordinator,
    is_planner,
)
from geo import srid

LEVELS = [level.value for level in District.Level]
# Official codes are short digits ("020", "49", "1"): a longer or
# unprintable one names no area and is answered without asking the database.
MAX_CODE_LENGTH = 20


def _may_be_code(code: str) -> bool:
    return 0 < len(code) <= MAX_CODE_LENGTH and code.isprintable()


AREA_REF_FIELDS = ("level", "code", "name_fi", "name_sv", "name_en")


# One row per level: the area covering the point, the smallest official
# code first when a point on a shared border is covered by two (codes
# compared as numbers: shorter first, then by text). The point is
# transformed, never the column, so the spatial index on boundary is used.
LOCATE_SQL = f"""
SELECT DISTINCT ON (level) {", ".join(AREA_REF_FIELDS)}
FROM districts_district
WHERE NOT is_sea
  AND ST_Covers(
    boundary,
    ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), %s), {srid.STORAGE})
  )
ORDER BY level, length(code), code
"""


def locate(point: Point) -> dict[str, dict[str, str] | None]:
    """The official area covering ``point`` at each level, or None.

    A point exactly on a shared border is covered by both areas; the answer
    is then the area with the smallest official code (compared as a number
    where codes are numeric), so the same point always gets the same answer.
    The sea area is left out: it is no neighbourhood anyone lives in.

    This is the hottest read there is, so it is one hand-written statement
    (``LOCATE_SQL``) rather than a QuerySet: compiling the equivalent ORM
    query and adapting its geometry parameter cost four times the query
    itself (bench/results/locate.md).
    """
    found: dict[str, dict[str, str] | None] = dict.fromkeys(LEVELS)
    with connections[router.db_for_read(District)].cursor() as cursor:
        cursor.execute(LOCATE_SQL, [point.x, point.y, point.srid])
        for row in cursor.fetchall():
            area = dict(zip(AREA_REF_FIELDS, row, strict=True))
            found[area["level"]] = area
    return found


def area_list(*, level: str | None = None) -> QuerySet[District]:
    areas = District.objects.defer("boundary").select_related("parent")
    if level:
        areas = areas.at_level(level)
    return areas.order_by("level", Length("code"), "code")


def _district_at(level: str, code: str) -> QuerySet[District]:
    # Empty for an unknown level or a string that is no code: a path or a
    # parameter naming no area never reaches the database.
    if level not in LEVELS or not _may_be_code(code):
        return District.objects.none()
    return District.objects.filter(level=level, code=code)


def district_get(*, level: str, code: str) -> District | None:
    """The official area at ``level`` with ``code`` (boundary deferred), or
    None, an unknown level included: a URL path naming no area is the
    caller's 404."""
    return _district_at(level, code).defer("boundary").first()


def area_get(*, level: str, code: str) -> District | None:
    """As ``district_get``, with the boundary as GeoJSON (``geojson``), the
    parents and the population, for an area's own page and API."""
    return (
        _district_at(level, code)
        .annotate(geojson=AsGeoJSON(Transform("boundary", srid.GEOJSON), precision=6))
        .defer("boundary")
        .select_related("parent__parent")
        .prefetch_related("populations")
        .first()
    )


def population_by_year(area: District) -> dict[int, int]:
    return {p.year: p.population for p in area.populations.all()}


def custom_areas_visible_to(viewer: AnyUser) -> QuerySet[CustomArea]:
    """The custom areas ``viewer`` may see: public ones, their own, and every
    one for admins. Every list, layer, tile, query and feed that shows or
    accepts custom areas starts from this queryset, so a private area never
    reaches another user."""
    areas = CustomArea.objects.all()
    if is_admin(viewer):
        return areas
    if not viewer.is_authenticated:
        return areas.filter(is_public=True)
    return areas.filter(Q(is_public=True) | Q(owner_id=viewer.pk))


def custom_area_list(*, viewer: AnyUser, mine: bool = False) -> QuerySet[CustomArea]:
    areas = custom_areas_visible_to(viewer).defer("boundary").select_related("owner")
    if mine:
        areas = areas.filter(owner_id=viewer.pk)
    return areas.order_by("id")


def custom_area_get(*, viewer: AnyUser, pk: int) -> CustomArea | None:
    """One visible custom area with its boundary as GeoJSON (``geojson``)."""
    return (
        custom_areas_visible_to(viewer)
        .annotate(geojson=AsGeoJSON(Transform("boundary", srid.GEOJSON), precision=6))
        .select_related("owner")
        .filter(pk=pk)
        .first()
    )


def districts_beneath(district_ids: Iterable[int]) -> set[int]:
    """``district_ids`` and every official area beneath them, following the
    ``parent`` chain (at most three levels)."""
    found = set(district_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(
                District.objects.filter(parent_id__in=frontier).values_list(
                    "id", flat=True
                )
            )
            - found
        )
        found |= frontier
    return found


def areas_coordinated_by(user: AnyUser) -> tuple[set[int], set[int]]:
    """Ids of the official and custom areas ``user`` coordinates, with the
    official areas beneath those assigned."""
    districts, custom = assigned_ids(user)
    return districts_beneath(districts), custom


def audit_log_list(
    *, viewer: AnyUser, object_type: str | None = None
) -> QuerySet[AuditLog]:
    ensure(can_read_audit_log(viewer), "Only admins read the audit log.")
    entries = AuditLog.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries.order_by("-at", "-id")


def roles_of(user: AnyUser) -> list[str]:
    roles = ["resident"] if user.is_authenticated else []
    if is_coordinator(user):
        roles.append("coordinator")
    if is_planner(user):
        roles.append("planner")
    if is_admin(user):
        roles.append("admin")
    return roles


# --- Area references from requests ------------------------------------------
# Every surface (REST lists and bodies, OGC items, tiles, the polygon query,
# forums, follows) reads ``area=<level>:<code>``, ``level=`` and
# ``custom_area=<id>`` through these three functions, so a bad value is the
# same 400 everywhere: a ValidationError keyed by the parameter, whose message
# names it. A resource named by the URL path that does not exist is the view's
# 404 (``area_get``, ``custom_area_get`` answer None).


def level_of(raw: str, *, param: str = "level") -> str:
    """An official area level given in parameter ``param``."""
    if raw not in LEVELS:
        raise ValidationError(
            {
                param: f"Unknown level {raw[:40]!r} in parameter '{param}'; "
                f"use one of: {', '.join(LEVELS)}."
            },
            code="invalid",
        )
    return raw


def district_by_ref(ref: str, *, param: str = "area") -> District:
    """The official area a ``<level>:<code>`` reference (``sub_district:020``,
    ``neighbourhood:49``) in parameter ``param`` names."""
    level, sep, code = str(ref).partition(":")
    if not sep or not level or not code:
        raise ValidationError(
            {
                param: f"Parameter '{param}' must be <level>:<code>, e.g. "
                f"sub_district:020; got {str(ref)[:40]!r}."
            },
            code="invalid",
        )
    area = district_get(level=level_of(level, param=param), code=code)
    if area is None:
        raise ValidationError(
            {param: f"Parameter '{param}': no {level} has the code {code[:20]!r}."},
            code="not_found",
        )
    return area


def custom_area_by_id(
    raw: object, *, viewer: AnyUser, param: str = "custom_area"
) -> CustomArea:
    """The custom area whose id parameter ``param`` gives, if ``viewer`` may
    see it. Another user's private area answers exactly as an id that does
    not exist, so its existence is not given away."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError(
            {
                param: f"Parameter '{param}' must be a custom area id (a whole "
                f"number); got {text[:20]!r}."
            },
            code="invalid",
        )
    area = (
        custom_areas_visible_to(viewer).filter(pk=int(text)).defer("boundary").first()
    )
    if area is None:
        raise ValidationError(
            {param: f"Parameter '{param}': no custom area {text} that you may see."},
            code="not_found",
        )
    return area
