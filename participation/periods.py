"""The periods measures are counted over, and the population year each is
divided by.

A budgeting round is divided by the population of the year its proposal
phase ran. Past OmaStadi rounds have no phases in the open data, so their
years are declared, with their source, in
``fixtures/participation/omastadi_round_years.csv``; a round created here
later takes the year its proposals phase starts.
"""

import csv
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from budgeting.models import Phase
from districts.models import Population

ROUND = "round"
YEAR = "year"


def round_years_file() -> Path:
    return (
        Path(settings.BASE_DIR)
        / "fixtures"
        / "participation"
        / "omastadi_round_years.csv"
    )


@cache
def declared_round_years() -> dict[int, int]:
    with round_years_file().open(newline="", encoding="utf-8") as handle:
        return {
            int(row["round"]): int(row["proposal_phase_year"])
            for row in csv.DictReader(handle)
        }


def round_years() -> dict[int, int]:
    """Round number -> the year of its proposal phase."""
    years = {
        number: starts_on.year
        for number, starts_on in Phase.objects.filter(
            kind=Phase.Kind.PROPOSALS
        ).values_list("round__number", "starts_on")
    }
    return years | declared_round_years()


def population_years() -> list[int]:
    return sorted(
        Population.objects.values_list("year", flat=True).distinct().order_by()
    )


def population_year(kind: str, period: int) -> int:
    """The year whose population a ``kind`` period ``period`` is divided by;
    a ValidationError when there is no such period or no population for it."""
    if kind == ROUND:
        years = round_years()
        if period not in years:
            known = ", ".join(str(n) for n in sorted(years)) or "none"
            raise ValidationError(
                f"Unknown round {period}; rounds: {known}.", code="round"
            )
        year = years[period]
    else:
        year = period
    known_years = population_years()
    if year not in known_years:
        span = f"{known_years[0]}-{known_years[-1]}" if known_years else "none loaded"
        raise ValidationError(
            f"No population figures for {year}; years with figures: {span}.",
            code="year",
        )
    return year


def latest_period(kind: str) -> int:
    """The newest period that has population figures."""
    known_years = population_years()
    if kind == ROUND:
        rounds = [n for n, year in round_years().items() if year in known_years]
        if not rounds:
            raise ValidationError("No round has population figures.")
        return max(rounds)
    if not known_years:
        raise ValidationError("No population figures are loaded.")
    return known_years[-1]
