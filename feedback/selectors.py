"""Reading feedback: the public record (never the contact details), the
Open311 filters, and counts per area."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from districts.models import District
from districts.selectors import district_by_ref, population_by_year
from feedback.models import Feedback, Service, StatusNote
from geo import srid
from geo.params import check_lon_lat, parse_bbox, parse_float
from geo.points import point_at

# Requests answered per GET; the spec lets a server cap its lists.
MAX_REQUESTS = 1000
MAX_RADIUS_METRES = 10_000


def feedback_public() -> QuerySet[Feedback]:
    """Every piece of feedback as the public sees it. Contact details are
    another table and are never joined here."""
    return Feedback.objects.select_related("service", "unit").annotate(
        service_code=F("service__code"),
        service_name=F("service__name"),
        unit_name=F("unit__name"),
    )


def feedback_layer_rows() -> QuerySet[Feedback]:
    return feedback_public().defer("attributes")


def services_open() -> QuerySet[Service]:
    return Service.objects.filter(accepts_new=True).prefetch_related("attributes")


def service_options() -> list[tuple[str, str]]:
    """(code, name) of every service that feedback has or may have."""
    return [
        (s.code, s.label)
        for s in Service.objects.filter(Q(accepts_new=True) | Q(feedback__isnull=False))
        .distinct()
        .order_by("code")
    ]


def _datetime(params: Mapping[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationError(
            {
                name: f"Must be a W3C date and time with a zone, e.g. "
                f"2015-06-01T00:00:00Z; got {raw[:40]!r}."
            }
        )
    return value


def _codes(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def feedback_requests(params: Mapping[str, str]) -> QuerySet[Feedback]:
    """GeoReport v2 ``GET requests`` with the extensions clients use:
    ``bbox``, ``lat``/``long``/``radius`` (metres) and ``area``."""
    rows = feedback_public().prefetch_related(
        Prefetch("notes", queryset=StatusNote.objects.order_by("created_at", "id")),
        Prefetch("areas", queryset=District.objects.defer("boundary")),
    )
    rows = rows.annotate(point=Transform("location", srid.GEOJSON))
    if raw := params.get("service_request_id"):
        # The spec: a list of ids overrides every other parameter.
        return rows.filter(service_request_id__in=_codes(raw)[:MAX_REQUESTS])
    if raw := params.get("service_code"):
        rows = rows.filter(service__code__in=_codes(raw))
    if raw := params.get("status"):
        wanted = _codes(raw)
        unknown = sorted(set(wanted) - set(Feedback.Status.values))
        if unknown:
            raise ValidationError(
                {
                    "status": f"Unknown status {', '.join(unknown)[:40]!r}; use open "
                    "or closed."
                }
            )
        rows = rows.filter(status__in=wanted)
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start and end and end < start:
        raise ValidationError({"end_date": "end_date is before start_date."})
    if start:
        rows = rows.filter(requested_at__gte=start)
    if end:
        rows = rows.filter(requested_at__lte=end)
    if raw := params.get("bbox"):
        rows = rows.filter(location__intersects=parse_bbox(raw))
    if "lat" in params or "long" in params:
        lat, lon = parse_float(params, "lat"), parse_float(params, "long")
        check_lon_lat(lon, lat)
        radius = parse_float(params, "radius") if params.get("radius") else 1000
        if not 0 < radius <= MAX_RADIUS_METRES:
            raise ValidationError(
                {"radius": f"Must be between 0 and {MAX_RADIUS_METRES} metres."}
            )
        rows = rows.filter(location__dwithin=(point_at(lon=lon, lat=lat), D(m=radius)))
    if raw := params.get("area"):
        rows = rows.filter(areas=district_by_ref(raw).pk)
    return rows.order_by("-requested_at", "-id")[:MAX_REQUESTS]


def feedback_get(service_request_id: str) -> Feedback | None:
    return feedback_requests({"service_request_id": service_request_id}).first()


def per_thousand(count: int, population: int | None) -> float | None:
    if not population:
        return None
    return round(count * 1000 / population, 2)


def feedback_summary(area: District) -> dict[str, Any]:
    """Feedback in ``area`` by category, open and closed, also per 1,000
    residents (the latest population recorded for the area)."""
    population = population_by_year(area)
    residents = population[max(population)] if population else None
    rows = (
        Feedback.objects.in_area(area.pk)
        .order_by()
        .values("service__code", "service__name")
        .annotate(
            open=Count("pk", filter=Q(status=Feedback.Status.OPEN)),
            closed=Count("pk", filter=Q(status=Feedback.Status.CLOSED)),
        )
        .order_by("service__code")
    )
    categories = []
    for row in rows:
        total = row["open"] + row["closed"]
        service = Service(
            code=row["service__code"] or "", name=row["service__name"] or ""
        )
        categories.append(
            {
                "code": service.code,
                "name": service.label if service.code else "",
                "open": row["open"],
                "closed": row["closed"],
                "total": total,
                "per_thousand": per_thousand(total, residents),
            }
        )
    categories.sort(key=lambda c: (-c["total"], c["code"]))
    open_, closed = (
        sum(c["open"] for c in categories),
        sum(c["closed"] for c in categories),
    )
    return {
        "categories": categories,
        "open": open_,
        "closed": closed,
        "total": open_ + closed,
        "residents": residents,
        "open_per_thousand": per_thousand(open_, residents),
        "closed_per_thousand": per_thousand(closed, residents),
        "per_thousand": per_thousand(open_ + closed, residents),
    }


def feedback_recent(area: District, *, limit: int) -> QuerySet[Feedback]:
    return feedback_public().filter(areas=area.pk).order_by("-requested_at")[:limit]
