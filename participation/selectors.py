"""Participation per area and period: counts, rates per 1,000 residents and
the population structure beside them, as one queryset every surface reads.
"""

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Cast, Length
from django.utils import timezone

from districts.models import District, Population
from districts.permissions import AnyUser
from forums.models import Meeting
from forums.selectors import meeting_list
from participation.measures import MEASURES, Measure
from participation.periods import (
    ROUND,
    YEAR,
    latest_period,
    population_year,
    population_years,
    round_years,
)

STRUCTURE = (
    "children_share",
    "elderly_share",
    "swedish_share",
    "foreign_language_share",
)
# What a row of ``rate_rows`` tells of its area, as every surface shows it.
ROW_FIELDS = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "population",
    "count",
    "per_1000",
    *STRUCTURE,
)
DEFAULT_MEASURE = "proposals"
DEFAULT_LEVEL = District.Level.DISTRICT.value
# How far below the city's rate an area must be to be listed for outreach,
# as a share of the city's rate.
DEFAULT_MARGIN = 0.25


@dataclass(frozen=True)
class Query:
    measure: Measure
    level: str
    period: int
    population_year: int

    @property
    def period_kind(self) -> str:
        return self.measure.period


def parse_query(params: Mapping[str, str]) -> Query:
    """``measure``, ``level`` and ``round`` or ``year`` from request
    parameters, with defaults (proposals, districts, the newest period);
    a ValidationError naming the parameter for anything unknown."""
    name = params.get("measure") or DEFAULT_MEASURE
    measure = MEASURES.get(name)
    if measure is None:
        raise ValidationError(
            {
                "measure": f"Unknown measure {name[:40]!r}; measures: "
                f"{', '.join(MEASURES)}."
            }
        )
    level = params.get("level") or DEFAULT_LEVEL
    if level not in measure.levels:
        raise ValidationError(
            {
                "level": f"{measure.name} is counted for level "
                f"{' and '.join(measure.levels)}, not {level[:40]!r}."
            }
        )
    other = YEAR if measure.period == ROUND else ROUND
    if params.get(other):
        raise ValidationError(
            {
                other: f"{measure.name} is counted per {measure.period}; "
                f"give {measure.period}=, not {other}=."
            }
        )
    raw = params.get(measure.period)
    if raw:
        if not raw.isdigit() or len(raw) > 4:
            raise ValidationError(
                {measure.period: f"Must be a whole number, got {raw[:20]!r}."}
            )
        period = int(raw)
    else:
        period = latest_period(measure.period)
    try:
        year = population_year(measure.period, period)
    except ValidationError as error:
        raise ValidationError({measure.period: error.messages}) from None
    return Query(measure, level, period, year)


def rate_rows(query: Query) -> models.QuerySet[District]:
    """One row per area of the level: ``count``, ``population``,
    ``per_1000`` (None without population) and the structure shares."""
    figures = Population.objects.filter(
        district_id=OuterRef("pk"), year=query.population_year
    ).order_by()

    def figure(name: str) -> Subquery:
        return Subquery(figures.values(name)[:1])

    rows = (
        District.objects.at_level(query.level)
        .on_land()
        .defer("boundary")
        .annotate(
            count=query.measure.count(query.period),
            population=figure("population"),
            **{name: figure(name) for name in STRUCTURE},
        )
        .annotate(
            per_1000=models.Case(
                models.When(
                    population__gt=0,
                    then=Cast(F("count"), models.FloatField())
                    * 1000.0
                    / Cast(F("population"), models.FloatField()),
                ),
                output_field=models.FloatField(),
            )
        )
    )
    return rows.order_by(Length("code"), "code")


@dataclass(frozen=True)
class Totals:
    count: int
    population: int

    @property
    def per_1000(self) -> float | None:
        return self.count * 1000 / self.population if self.population else None


def totals(rows: list[District]) -> Totals:
    """The areas' counts and populations added up. An item on a border
    between two areas is in both areas' counts, and so twice here."""
    annotated: list[Any] = rows  # count and population are annotations
    return Totals(
        count=sum(row.count for row in annotated),
        population=sum(row.population or 0 for row in annotated),
    )


def correlations(rows: list[District]) -> dict[str, float | None]:
    """Pearson's r between the rate and each structure share, over the
    areas that have both; None when it is undefined."""
    result: dict[str, float | None] = {}
    for name in STRUCTURE:
        pairs = [
            (row.per_1000, getattr(row, name))  # type: ignore[attr-defined]
            for row in rows
            if row.per_1000 is not None and getattr(row, name) is not None  # type: ignore[attr-defined]
        ]
        try:
            result[name] = statistics.correlation(*zip(*pairs, strict=True))
        except (statistics.StatisticsError, TypeError, ValueError):
            result[name] = None
    return result


@dataclass(frozen=True)
class Outreach:
    area: District
    shortfall: float  # how far below the city's rate, as a share of it
    next_meetings: list[Meeting]


def outreach(
    rows: list[District], *, margin: float, viewer: AnyUser, meetings: int = 3
) -> list[Outreach]:
    """The areas whose rate is below the areas' combined rate by more than
    ``margin`` (a share of that rate), lowest first, each with its next
    forum meetings: where coordinators could go out to."""
    city = totals(rows).per_1000
    if not city:
        return []
    found = []
    for row in rows:
        rate = row.per_1000  # type: ignore[attr-defined]
        if rate is None or rate >= city * (1 - margin):
            continue
        upcoming = list(
            meeting_list(viewer=viewer, area=row, since=timezone.now())[:meetings]
        )
        found.append(Outreach(row, (city - rate) / city, upcoming))
    return sorted(found, key=lambda o: -o.shortfall)


def parse_margin(raw: str | None) -> float:
    """``margin`` in percent (0-100) to a share; default 25 %."""
    if not raw:
        return DEFAULT_MARGIN
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise ValidationError(
            {"margin": f"Must be a percentage 0-100, got {raw[:20]!r}."}
        )
    return value / 100


@dataclass(frozen=True)
class AreaChange:
    area: District
    previous: District | None  # the same area's row in the previous period

    @property
    def change(self) -> float | None:
        now_rate = self.area.per_1000  # type: ignore[attr-defined]
        if self.previous is None or now_rate is None:
            return None
        before = self.previous.per_1000  # type: ignore[attr-defined]
        return None if before is None else now_rate - before


@dataclass(frozen=True)
class ReportSection:
    """One measure in one period of the report year, at both levels."""

    query: Query
    previous_period: int | None
    major: list[AreaChange]
    districts: list[AreaChange]

    @property
    def total(self) -> Totals:
        return totals([row.area for row in self.major])

    def districts_of(self, major: District) -> list[AreaChange]:
        return [row for row in self.districts if row.area.parent_id == major.pk]


@dataclass(frozen=True)
class AnnualReport:
    year: int
    sections: list[ReportSection]
    # Measures with nothing recorded in the year: named, not tabled.
    empty: list[Query]


def _previous(query: Query) -> int | None:
    """The period before ``query``'s that has population figures."""
    if query.period_kind == ROUND:
        earlier = [
            number
            for number, year in round_years().items()
            if number < query.period and year in population_years()
        ]
        return max(earlier, default=None)
    before = query.period - 1
    return before if before in population_years() else None


def _with_changes(query: Query, level: str, previous: int | None) -> list[AreaChange]:
    at_level = Query(query.measure, level, query.period, query.population_year)
    rows = list(rate_rows(at_level))
    before: dict[str, District] = {}
    if previous is not None:
        earlier = Query(
            query.measure,
            level,
            previous,
            population_year(query.period_kind, previous),
        )
        before = {row.code: row for row in rate_rows(earlier)}
    return [AreaChange(row, before.get(row.code)) for row in rows]


def annual_report(year: int) -> AnnualReport:
    """Every measure of ``year``: yearly measures for the year, round
    measures for the rounds whose proposal phase ran in it, each beside
    the period before. A ValidationError when the year has no population
    figures."""
    population_year(YEAR, year)
    sections: list[ReportSection] = []
    empty: list[Query] = []
    rounds = sorted(n for n, y in round_years().items() if y == year)
    for measure in MEASURES.values():
        periods = rounds if measure.period == ROUND else [year]
        for period in periods:
            query = Query(
                measure,
                District.Level.MAJOR_DISTRICT.value,
                period,
                population_year(measure.period, period),
            )
            previous = _previous(query)
            major = _with_changes(query, query.level, previous)
            section = ReportSection(
                query,
                previous,
                major,
                _with_changes(query, District.Level.DISTRICT.value, previous)
                if District.Level.DISTRICT.value in measure.levels
                else [],
            )
            if section.total.count:
                sections.append(section)
            else:
                empty.append(query)
    return AnnualReport(year, sections, empty)
