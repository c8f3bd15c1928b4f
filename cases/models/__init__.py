from cases.models.case import Case
from cases.models.facility import Facility
from cases.models.proposal import BudgetProposal

__all__ = ["BudgetProposal", "Case", "Facility"]
