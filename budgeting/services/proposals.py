"""Residents' budget proposals, taken into a round's proposal phase."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from budgeting.models import Round
from budgeting.rules.problem import Problem
from cases.models import BudgetProposal
from cases.services.proposals import proposal_create
from districts.permissions import AnyUser, can_submit_proposals, ensure


@transaction.atomic
def proposal_submit(
    *, actor: AnyUser, round: int, now: dt.datetime | None = None, **fields: Any
) -> BudgetProposal:
    """A resident's proposal to round number ``round``, accepted only in
    that round's proposal phase; refused on ``round`` otherwise."""
    ensure(can_submit_proposals(actor), "Sign in to submit a proposal.")
    round_ = Round.objects.prefetch_related("phases").filter(number=round).first()
    if round_ is None:
        raise round_refused(Problem("unknown_round", f"No budgeting round {round}."))
    if problem := round_.proposal_problem(timezone.localdate(now or timezone.now())):
        raise round_refused(problem)
    return proposal_create(
        round=round_.number,
        submitted_by=actor if isinstance(actor, User) else None,
        **fields,
    )


def round_refused(problem: Problem) -> ValidationError:
    return ValidationError(
        {"round": ValidationError(problem.message, code=problem.code)}
    )
