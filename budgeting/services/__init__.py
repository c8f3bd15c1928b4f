"""Writes and the rules they enforce: allocation, ballots, tallies, results."""

from budgeting.services.ballots import (
    ballot_of,
    ballot_rule,
    ballot_submit,
    home_district,
    normalised_receipt,
    voter_digest,
)
from budgeting.services.proposals import proposal_submit
from budgeting.services.rounds import (
    plan_create,
    plan_implementation_update,
    rejected,
    round_allocate,
    round_create,
)
from budgeting.services.tallies import tally_compute

__all__ = [
    "ballot_of",
    "ballot_rule",
    "ballot_submit",
    "home_district",
    "normalised_receipt",
    "plan_create",
    "plan_implementation_update",
    "proposal_submit",
    "rejected",
    "round_allocate",
    "round_create",
    "tally_compute",
    "voter_digest",
]
