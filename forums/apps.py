from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Area forums run by district coordinators: meetings, agendas, minutes,
    and residents following them.

    Its own app, above ``cases``, because forums have their own actors
    (coordinators) and lifecycle; agenda items point at cases and budget
    proposals of the forum's area.
    """

    name = "forums"
    label = "forums"
    verbose_name = _("Area forums")
