"""A round's pool as a Pabulib election, from the stored ballots."""

import datetime as dt

from django.utils import timezone

from budgeting.models import Round
from budgeting.rules.pabulib import PbElection, PbProject
from budgeting.rules.tally import vote_counts
from budgeting.selectors import ballots_for_export
from budgeting.services.rounds import rejected
from districts.models import District


def pool_election(
    round_: Round, area: District | None, *, now: dt.datetime | None = None
) -> PbElection:
    """Refused before the results phase (``Round.export_problem``): a
    running count would leak."""
    if problem := round_.export_problem(timezone.localdate(now or timezone.now())):
        raise rejected(problem)
    plans = list(round_.plans.on_ballot().filter(area=area).order_by("id"))
    votes = ballots_for_export(round_, area)
    counts = vote_counts(votes)
    cast_here = round_.ballots.exists()
    if area is None:
        budget, subunit = round_.city_wide_amount, "Helsingin yhteinen"
    else:
        amounts = round_.area_budgets.filter(district=area).values_list(
            "amount", flat=True
        )
        budget, subunit = (amounts.first() or 0), area.name_fi
    return PbElection(
        description=f"OmaStadi {round_.name}, {subunit}",
        instance=str(round_.number),
        subunit=subunit,
        budget=budget,
        vote_type="approval",
        rule="greedy",
        projects=[
            PbProject(
                project_id=plan.pk,
                cost=plan.cost,
                name=plan.title or f"plan {plan.source_id}",
                votes=counts[plan.pk] if cast_here else None,
                selected=plan.selected,
            )
            for plan in plans
        ],
        votes=votes,
    )
