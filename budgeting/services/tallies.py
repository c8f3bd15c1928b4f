"""Counting the ballots of a round, pool by pool."""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from budgeting.models import (
    BallotChoice,
    Plan,
    Round,
    Tally,
    TallyLine,
)
from budgeting.rules import tally as tally_rules
from budgeting.services.rounds import rejected


@transaction.atomic
def tally_compute(
    round_: Round,
    *,
    computed_by: User | None = None,
    publish: bool = False,
    now: dt.datetime | None = None,
) -> list[Tally]:
    """Count every pool of the round from the stored ballots, by the greedy
    rule and by the Method of Equal Shares, replacing earlier counts.

    With ``publish`` the greedy result becomes the plans' official result
    and paper entry closes. Refused until both channels have closed
    (``Round.count_problem``).
    """
    moment = now or timezone.now()
    # Locked against paper ballots being entered while the count runs.
    round_ = (
        Round.objects.select_for_update()
        .prefetch_related("phases", "area_budgets")
        .get(pk=round_.pk)
    )
    if problem := round_.count_problem(timezone.localdate(moment)):
        raise rejected(problem)
    Tally.objects.filter(round=round_).delete()
    budgets = {b.district_id: b.amount for b in round_.area_budgets.all()}
    plans = list(round_.plans.on_ballot().select_related("area"))
    choices = BallotChoice.objects.filter(ballot__round=round_).values_list(
        "ballot_id", "plan_id"
    )
    by_ballot: dict[int, list[int]] = {}
    for ballot_id, plan_id in choices:
        by_ballot.setdefault(ballot_id, []).append(plan_id)
    all_ballots = list(by_ballot.values())

    tallies = []
    for area_id in sorted({p.area_id for p in plans}, key=lambda a: a or 0):
        pool = [p for p in plans if p.area_id == area_id]
        in_pool = {p.pk for p in pool}
        pool_ballots = [
            [p for p in ballot if p in in_pool]
            for ballot in all_ballots
            if in_pool.intersection(ballot)
        ]
        budget = budgets.get(area_id, 0) if area_id else round_.city_wide_amount
        counts = tally_rules.vote_counts(pool_ballots)
        candidates = [tally_rules.Candidate(p.pk, p.cost, counts[p.pk]) for p in pool]
        greedy_lines = tally_rules.greedy(budget, candidates)
        mes = tally_rules.equal_shares(budget, candidates, pool_ballots)
        for method, lines in (
            (Tally.Method.GREEDY, greedy_lines),
            (Tally.Method.EQUAL_SHARES, equal_shares_lines(greedy_lines, mes)),
        ):
            tally = Tally.objects.create(
                round=round_,
                area_id=area_id,
                method=method,
                budget=budget,
                ballots_counted=len(pool_ballots),
                computed_by=computed_by,
            )
            TallyLine.objects.bulk_create(
                TallyLine(
                    tally=tally,
                    plan_id=line.plan,
                    position=line.position,
                    votes=line.votes,
                    selected=line.selected,
                    remaining=line.remaining,
                    note=line.note,
                )
                for line in lines
            )
            tallies.append(tally)
        if publish:
            for line in greedy_lines:
                Plan.objects.filter(pk=line.plan).update(
                    selected=line.selected,
                    result_source=Plan.ResultSource.TALLY,
                )
    if publish and round_.results_published_at is None:
        round_.results_published_at = moment
        round_.save(update_fields=["results_published_at"])
    return tallies


def equal_shares_lines(
    greedy_lines: Sequence[tally_rules.Line], funded: set[int]
) -> list[tally_rules.Line]:
    """MES lines in the greedy count's order, so the two read side by side;
    ``remaining`` has no meaning in MES and is left empty."""
    return [
        tally_rules.Line(
            position=line.position,
            plan=line.plan,
            cost=line.cost,
            votes=line.votes,
            selected=line.plan in funded,
            remaining=None,
            note=tally_rules.SELECTED if line.plan in funded else "",
        )
        for line in greedy_lines
    ]
