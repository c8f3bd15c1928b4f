from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import BudgetProposal
from cases.services.links import areas_link
from cases.services.locations import checked_location, major_district
from districts.models import CustomArea

Scope = BudgetProposal.Scope


@transaction.atomic
def proposal_create(
    *,
    round: int,
    title: str,
    district: str | None,
    description: str = "",
    location: Any = None,
    source_id: str = "",
    custom_area: CustomArea | None = None,
    estimated_cost: Decimal | int | str | None = None,
    status: str = BudgetProposal.Status.SUBMITTED,
    submitted_by: User | None = None,
) -> BudgetProposal:
    """A proposal to round number ``round`` for the budget of the major
    district with code ``district``, or a city-wide one when ``district``
    is None. No phase is checked here: residents submit through
    ``budgeting.services.proposal_submit``, which knows the round's phases."""
    proposal = BudgetProposal(
        round_id=round,
        source_id=source_id,
        title=title,
        description=description,
        scope=Scope.DISTRICT if district is not None else Scope.CITYWIDE,
        district=major_district(district) if district is not None else None,
        custom_area=custom_area,
        estimated_cost=estimated_cost,
        status=status,
        submitted_by=submitted_by,
        location=checked_location(location, points_only=True),
    )
    # Proposals made here have no OmaStadi id; a random one keeps
    # (round, source_id) unique without a second write.
    proposal.source_id = proposal.source_id or f"piiri-{uuid4().hex[:16]}"
    proposal.full_clean()
    proposal.save()
    areas_link(BudgetProposal, [proposal.pk])
    return proposal


@transaction.atomic
def proposal_update(
    proposal: BudgetProposal, *, location: Any = ..., **changes: Any
) -> BudgetProposal:
    allowed = {"title", "description", "estimated_cost", "status", "district"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {name: "Not a field that can be changed." for name in sorted(unknown)}
        )
    proposal = BudgetProposal.objects.select_for_update().get(pk=proposal.pk)
    if "district" in changes:
        code = changes.pop("district")
        proposal.district = major_district(code) if code is not None else None
        proposal.scope = Scope.DISTRICT if code is not None else Scope.CITYWIDE
    for name, value in changes.items():
        setattr(proposal, name, value)
    if location is not ...:
        proposal.location = checked_location(location, points_only=True)
    proposal.full_clean()
    proposal.save()
    areas_link(BudgetProposal, [proposal.pk])
    return proposal
