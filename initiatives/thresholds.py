"""What the law makes of an initiative's support.

Local Government Act (kuntalaki 410/2015), section 23: residents of the
municipality may make initiatives on its activities, and the initiator is
told what was done. "If at least two per cent of the residents of the
municipality entitled to vote are initiators, the matter must be taken up
by the council within six months of the initiative's submission." (Our
translation of the third paragraph.)

The law counts residents entitled to vote; Piiri has the population only
(City of Helsinki statistics per district), which includes children. The
threshold shown is therefore two per cent of all residents: at least as
many supports as the law asks for, never fewer.
"""

import math
from dataclasses import dataclass

COUNCIL_SHARE_PERCENT = 2
COUNCIL_DEADLINE_MONTHS = 6


@dataclass(frozen=True)
class Threshold:
    population: int
    population_year: int
    needed: int
    residents_supporting: int

    @property
    def reached(self) -> bool:
        return self.residents_supporting >= self.needed

    @property
    def share_percent(self) -> float:
        """Supporting residents as a share of the population, in per cent."""
        if not self.population:
            return 0.0
        return round(100 * self.residents_supporting / self.population, 3)


def council_threshold(
    *, population: int, population_year: int, residents_supporting: int
) -> Threshold:
    needed = math.ceil(population * COUNCIL_SHARE_PERCENT / 100)
    return Threshold(
        population=population,
        population_year=population_year,
        needed=needed,
        residents_supporting=residents_supporting,
    )
