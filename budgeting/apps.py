from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    """Participatory budgeting: rounds, plans, ballots and tallies.

    Its own app, above ``cases``, because budgeting has its own lifecycle and
    actors; proposals stay in ``cases`` and plans merge them. The label (and
    so the tables and migrations) predate the move out of ``cases``.
    """

    name = "budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self) -> None:
        from budgeting import checks  # noqa: F401  (registers the checks)
