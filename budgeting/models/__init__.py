from budgeting.models.plan import Plan
from budgeting.models.round import AreaBudget, Phase, Round
from budgeting.models.tally import Tally, TallyLine
from budgeting.models.voting import Ballot, BallotChoice, Voter

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
