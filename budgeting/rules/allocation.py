"""Splitting a budget between areas in proportion to their population."""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)

METHOD = "largest remainder (Hamilton), whole euros"


@dataclass(frozen=True)
class Share(Generic[Key]):
    area: Key
    population: int
    amount: int
    exact: Fraction

    @property
    def deviation(self) -> Fraction:
        """How far the whole-euro amount is from exact proportionality."""
        return self.amount - self.exact


def allocate(total: int, populations: Mapping[Key, int]) -> list[Share[Key]]:
    """``total`` euros split between the areas in proportion to population.

    Each area first gets the whole euros of its exact quota
    (total * population / sum of populations); the euros left over, fewer
    than the number of areas, go one each to the areas with the largest
    fractional remainders. The amounts sum exactly to ``total`` and each is
    less than 1 EUR from its exact quota. Equal remainders go to the larger
    population first, then to the smaller key, so the split never depends on
    dictionary order.
    """
    if total < 0:
        raise ValueError("The total to allocate cannot be negative.")
    if any(count < 0 for count in populations.values()):
        raise ValueError("A population cannot be negative.")
    everyone = sum(populations.values())
    if everyone == 0:
        raise ValueError("There is no population to allocate by.")

    floors = {area: total * count // everyone for area, count in populations.items()}
    left_over = total - sum(floors.values())
    by_remainder = sorted(
        populations,
        key=lambda area: (
            -(total * populations[area] % everyone),
            -populations[area],
            str(area),
        ),
    )
    for area in by_remainder[:left_over]:
        floors[area] += 1
    return [
        Share(
            area=area,
            population=count,
            amount=floors[area],
            exact=Fraction(total * count, everyone),
        )
        for area, count in populations.items()
    ]
