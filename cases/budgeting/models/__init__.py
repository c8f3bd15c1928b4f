from cases.budgeting.models.plan import Plan
from cases.budgeting.models.round import AreaBudget, Phase, Round
from cases.budgeting.models.tally import Tally, TallyLine
from cases.budgeting.models.voting import Ballot, BallotChoice, Voter

__all__ = [
    "AreaBudget",
    "Ballot",
    "BallotChoice",
    "Phase",
    "Plan",
    "Round",
    "Tally",
    "TallyLine",
    "Voter",
]
