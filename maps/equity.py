"""The equity view and the annual participation report, as pages.

Both read ``participation.selectors``, the same rows the participation API
answers; charts come from ``maps.charts`` (matplotlib) and maps from
``maps.reports`` (folium), each with a table equivalent on the page.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from districts.models import District
from maps import charts
from maps.reports import map_parts, rate_map
from participation.measures import MEASURES
from participation.periods import ROUND, population_years, round_years
from participation.selectors import (
    STRUCTURE,
    AreaChange,
    Query,
    ReportSection,
    annual_report,
    correlations,
    outreach,
    parse_margin,
    parse_query,
    rate_rows,
    totals,
)

# folium writes its map as inline script and styles: these pages alone
# allow them (as maps.pages.REPORT_CSP does); every source is this site.
EQUITY_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SHARE_LABELS = {
    "children_share": gettext_lazy("Children 0-14"),
    "elderly_share": gettext_lazy("Aged 65+"),
    "swedish_share": gettext_lazy("Swedish-speaking"),
    "foreign_language_share": gettext_lazy("Foreign-language"),
}
LEVEL_LABELS = {
    District.Level.DISTRICT.value: gettext_lazy("Districts"),
    District.Level.MAJOR_DISTRICT.value: gettext_lazy("Major districts"),
}


def period_label(query: Query) -> str:
    if query.period_kind == ROUND:
        return _("round %(number)s") % {"number": query.period}
    return str(query.period)


def rate_label(query: Query) -> str:
    return _("%(measure)s per 1,000 residents") % {"measure": query.measure.label}


def page_query(params: Mapping[str, str]) -> Query:
    """The page's form sends a round and a year; the measure's own period
    kind decides which one counts."""
    name = params.get("measure") or ""
    measure = MEASURES.get(name)
    wanted = {"measure": name, "level": params.get("level", "")}
    if measure is not None:
        wanted[measure.period] = params.get(measure.period, "")
    return parse_query({key: value for key, value in wanted.items() if value})


def form_choices() -> dict[str, Any]:
    return {
        "measures": [(m.name, m.label, m.period) for m in MEASURES.values()],
        "levels": list(LEVEL_LABELS.items()),
        "rounds": sorted(round_years()),
        "years": population_years(),
    }


def share_rows(rows: list[District]) -> list[dict[str, Any]]:
    found = correlations(rows)
    return [
        {"name": name, "label": SHARE_LABELS[name], "r": found[name]}
        for name in STRUCTURE
    ]


# Drawing the charts takes seconds; they are kept for a day under a key of
# everything they are drawn from, so changed data draws them anew.
FIGURES_TIMEOUT = 24 * 3600


def figures(
    query: Query, rows: list[District], *, asset: Callable[[str], str] = static
) -> dict[str, Any]:
    """The choropleth, the bar chart and the structure chart of ``rows``."""
    drawn_from = repr(
        (
            query.measure.name,
            query.level,
            query.period,
            get_language(),
            asset("leaflet/leaflet.js"),
            [
                (
                    row.code,
                    row.updated_at.isoformat(),
                    row.count,  # type: ignore[attr-defined]
                    row.population,  # type: ignore[attr-defined]
                    *(getattr(row, name) for name in STRUCTURE),
                )
                for row in rows
            ],
        )
    )
    key = "equity-figures:" + hashlib.blake2b(drawn_from.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = draw_figures(query, rows, asset=asset)
        cache.set(key, found, FIGURES_TIMEOUT)
    return dict(found)


def draw_figures(
    query: Query, rows: list[District], *, asset: Callable[[str], str]
) -> dict[str, Any]:
    label = rate_label(query)
    rates = [row.per_1000 for row in rows]  # type: ignore[attr-defined]
    names = [row.name() for row in rows]
    total = totals(rows)
    found = correlations(rows)
    return {
        "map": map_parts(rate_map(rows, label=label, asset=asset)),
        "legend": charts.data_uri(charts.legend(charts.scale(rates), label)),
        "bars": charts.data_uri(
            charts.rate_bars(
                names,
                rates,
                city=total.per_1000,
                label=label,
                city_label=_("All areas together"),
            )
        ),
        "shares": charts.data_uri(
            charts.rate_against_shares(
                rates,
                {name: [getattr(row, name) for row in rows] for name in STRUCTURE},
                found,
                labels={k: str(v) for k, v in SHARE_LABELS.items()},
                rate_label=label,
            )
        ),
    }


def equity_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"choices": form_choices(), "params": request.GET}
    status = 200
    try:
        query = page_query(request.GET)
        margin = parse_margin(request.GET.get("margin"))
    except ValidationError as error:
        context["errors"] = error.messages
        status = 400
    else:
        rows = list(rate_rows(query))
        context.update(
            query=query,
            margin_percent=round(margin * 100),
            period=period_label(query),
            rate_label=rate_label(query),
            rows=rows,
            total=totals(rows),
            shares=share_rows(rows),
            outreach=outreach(rows, margin=margin, viewer=request.user),
            figures=figures(query, rows),
        )
    response = render(request, "maps/equity.html", context, status=status)
    response["Content-Security-Policy"] = EQUITY_CSP
    return response


@dataclass(frozen=True)
class SectionView:
    section: ReportSection
    title: str
    rate_label: str
    previous_label: str | None
    figures: dict[str, Any]
    # Each major district's row with the rows of its districts.
    groups: list[tuple[AreaChange, list[AreaChange]]]


def report_context(
    year: int, *, asset: Callable[[str], str] = static
) -> dict[str, Any]:
    """Everything the annual report shows; ``asset`` turns a static file's
    name into the URL the document loads it from (the site's static URL on
    the page, a file beside the HTML when written to disk)."""
    report = annual_report(year)
    views = []
    for section in report.sections:
        query = section.query
        rows = [row.area for row in (section.districts or section.major)]
        shown = figures(query, rows, asset=asset)
        previous = None
        if section.previous_period is not None:
            previous = period_label(
                Query(query.measure, query.level, section.previous_period, 0)
            )
        views.append(
            SectionView(
                section,
                f"{query.measure.label}, {period_label(query)}",
                rate_label(query),
                previous,
                shown,
                [(row, section.districts_of(row.area)) for row in section.major],
            )
        )
    return {
        "report": report,
        "sections": views,
        "report_css": asset("maps/report.css"),
        "empty": [
            f"{query.measure.label}, {period_label(query)}" for query in report.empty
        ],
        "today": timezone.localdate(),
        "share_labels": SHARE_LABELS,
    }


def report_page(request: HttpRequest, year: int) -> HttpResponse:
    try:
        context = report_context(year)
    except ValidationError as error:
        response = render(
            request,
            "maps/equity.html",
            {"choices": form_choices(), "errors": error.messages, "params": {}},
            status=400,
        )
    else:
        response = render(request, "maps/participation_report.html", context)
    response["Content-Security-Policy"] = EQUITY_CSP
    return response
