"""Routing defaults learned from history: for each service code, the unit
that handled most of its feedback, and per area where the history there is
large enough to say. Pure functions over plain rows, so the live routing
(feedback.routing) and the bench (bench/feedback_routing.py) learn and
predict the same way."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

# Records of one service in one area needed before that area gets its own
# default instead of the service's city-wide one.
MIN_AREA_SUPPORT = 10


@dataclass(frozen=True)
class HistoryRow:
    service_code: str
    area_code: str | None  # the major district, None outside Helsinki
    unit: str


@dataclass(frozen=True)
class Default:
    unit: str
    support: int  # records behind it
    share: float  # of them, handled by ``unit``


@dataclass
class LearnedDefaults:
    by_service: dict[str, Default] = field(default_factory=dict)
    by_service_area: dict[tuple[str, str], Default] = field(default_factory=dict)

    def predict(self, service_code: str, area_code: str | None) -> str | None:
        if area_code is not None:
            local = self.by_service_area.get((service_code, area_code))
            if local is not None:
                return local.unit
        default = self.by_service.get(service_code)
        return default.unit if default else None


def _majority(units: Counter[str]) -> Default:
    # Ties go to the alphabetically first unit, so a result never depends
    # on the order of the history.
    unit, count = min(units.items(), key=lambda item: (-item[1], item[0]))
    total = sum(units.values())
    return Default(unit=unit, support=total, share=count / total)


def learn_defaults(
    rows: Iterable[HistoryRow], *, min_area_support: int = MIN_AREA_SUPPORT
) -> LearnedDefaults:
    per_service: dict[str, Counter[str]] = {}
    per_area: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        if not row.service_code or not row.unit:
            continue
        per_service.setdefault(row.service_code, Counter())[row.unit] += 1
        if row.area_code is not None:
            key = (row.service_code, row.area_code)
            per_area.setdefault(key, Counter())[row.unit] += 1
    return LearnedDefaults(
        by_service={code: _majority(units) for code, units in per_service.items()},
        by_service_area={
            key: _majority(units)
            for key, units in per_area.items()
            if sum(units.values()) >= min_area_support
        },
    )


def majority_unit(rows: Iterable[HistoryRow]) -> str | None:
    units = Counter(row.unit for row in rows if row.unit)
    return _majority(units).unit if units else None
