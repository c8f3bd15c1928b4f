from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Point
from django.db.models import QuerySet
from django.db.models.functions import Length

from districts.models import District
from geo import srid

LEVELS = [level.value for level in District.Level]


AREA_REF_FIELDS = ("level", "code", "name_fi", "name_sv", "name_en")


def locate(point: Point) -> dict[str, dict[str, str] | None]:
    """The official area covering ``point`` at each level, or None.

    A point exactly on a shared border is covered by both areas; the answer
    is then the area with the smallest official code (compared as a number
    where codes are numeric), so the same point always gets the same answer.
    The sea area is left out: it is no neighbourhood anyone lives in.
    """
    found: dict[str, dict[str, str] | None] = dict.fromkeys(LEVELS)
    # Plain rows, not model instances, sorted here rather than in SQL: this
    # is the hottest read there is, and at most a few rows come back.
    areas = sorted(
        District.objects.on_land().containing(point).values(*AREA_REF_FIELDS),
        key=lambda area: (len(area["code"]), area["code"]),
    )
    for area in areas:
        if found[area["level"]] is None:
            found[area["level"]] = area
    return found


def area_list(*, level: str | None = None) -> QuerySet[District]:
    areas = District.objects.defer("boundary").select_related("parent")
    if level:
        areas = areas.at_level(level)
    return areas.order_by("level", Length("code"), "code")


def area_get(*, level: str, code: str) -> District | None:
    return (
        District.objects.filter(level=level, code=code)
        .annotate(geojson=AsGeoJSON(Transform("boundary", srid.GEOJSON), precision=6))
        .defer("boundary")
        .select_related("parent__parent")
        .prefetch_related("populations")
        .first()
    )


def population_by_year(area: District) -> dict[int, int]:
    return {p.year: p.population for p in area.populations.all()}
