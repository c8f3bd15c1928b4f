"""Who handles a new piece of feedback, decided the moment it arrives.

In order: the most specific declared rule for its service (about a
facility of that kind and in that area, then facility kind, then area,
then the service alone); else the default learned from history (the
service in that major district, then the service city-wide); else the
fallback queue.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from cases.models import Facility
from districts.models import District
from feedback.learning import HistoryRow, learn_defaults
from feedback.models import Feedback, LearnedRoute, RoutingRule, Service, Unit

FALLBACK_QUEUE = "Palautejono (ohjaamaton)"
# The level history is learned per: the 8 major districts. Smaller areas
# have too few records of most services to learn from.
LEARNED_LEVEL = District.Level.MAJOR_DISTRICT


@dataclass(frozen=True)
class Route:
    unit: Unit
    routed_by: str


def areas_at(location: GEOSGeometry | None) -> list[District]:
    if location is None:
        return []
    return list(
        District.objects.on_land().containing(location).defer("boundary")  # type: ignore[arg-type]
    )


def fallback_unit() -> Unit:
    unit, _ = Unit.objects.get_or_create(
        is_fallback=True, defaults={"name": FALLBACK_QUEUE}
    )
    return unit


def route(
    *,
    service: Service,
    location: GEOSGeometry | None,
    facility: Facility | None = None,
) -> Route:
    areas = areas_at(location)
    area_ids = {area.pk for area in areas}
    kind = facility.kind if facility else ""
    rules = [
        rule
        for rule in RoutingRule.objects.filter(service=service).select_related("unit")
        if (not rule.area_id or rule.area_id in area_ids)
        and (not rule.facility_kind or rule.facility_kind == kind)
    ]
    if rules:
        best = max(rules, key=lambda rule: (rule.specificity, -rule.pk))
        return Route(best.unit, Feedback.RoutedBy.RULE)
    majors = [area.pk for area in areas if area.level == LEARNED_LEVEL]
    learned = {
        route.area_id: route
        for route in LearnedRoute.objects.filter(service=service).select_related("unit")
    }
    for area_id in [*majors, None]:
        if area_id in learned:
            return Route(learned[area_id].unit, Feedback.RoutedBy.HISTORY)
    return Route(fallback_unit(), Feedback.RoutedBy.FALLBACK)


def history() -> list[HistoryRow]:
    """The imported feedback as the learner reads it: service code, major
    district code and the unit that handled it."""
    majors = dict(
        Feedback.areas.through.objects.filter(  # type: ignore[attr-defined]
            district__level=LEARNED_LEVEL
        ).values_list("feedback_id", "district__code")
    )
    rows = Feedback.objects.filter(
        origin=Feedback.Origin.IMPORTED, service__isnull=False, unit__isnull=False
    ).values_list("id", "service__code", "unit__name")
    return [
        HistoryRow(service_code=code, area_code=majors.get(pk), unit=unit)
        for pk, code, unit in rows
    ]


@transaction.atomic
def learned_routes_refresh() -> int:
    """Relearn the defaults from the imported history; returns how many."""
    learned = learn_defaults(history())
    services = {s.code: s for s in Service.objects.all()}
    units = {u.name: u for u in Unit.objects.all()}
    majors = {
        d.code: d for d in District.objects.at_level(LEARNED_LEVEL).defer("boundary")
    }
    routes = [
        LearnedRoute(
            service=services[code],
            area=None,
            unit=units[default.unit],
            support=default.support,
            share=default.share,
        )
        for code, default in learned.by_service.items()
    ] + [
        LearnedRoute(
            service=services[code],
            area=majors[area_code],
            unit=units[default.unit],
            support=default.support,
            share=default.share,
        )
        for (code, area_code), default in learned.by_service_area.items()
    ]
    LearnedRoute.objects.all().delete()
    LearnedRoute.objects.bulk_create(routes)
    return len(routes)
