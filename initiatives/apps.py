from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    """Residents' initiatives (Local Government Act 410/2015, section 23):
    written, published, supported, submitted to the city, handled by a
    board and answered.

    Its own app beside budgeting and forums: initiatives have their own
    actors (authors, supporters, the staff who handle them) and lifecycle.
    Its located model inherits ``cases.models.base.InAreas``, so a boundary
    re-import relinks it with the others (``cases.services.links``).
    """

    name = "initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")
