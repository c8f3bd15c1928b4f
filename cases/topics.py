"""What a case is about, from its Ahjo classification (the City's task
classification, "tehtäväluokitus"): the topics residents can follow, and
the internal administration they cannot influence.

The classification code leads ``Case.classification`` ("01 01 01 01
Työ- ja virkasuhteen täyttäminen"). A case takes the topic of the longest
code prefix listed below; a case with no listed prefix (council
initiatives, budgets, grants, an empty classification) is ``GOVERNANCE``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    LAND_USE = "land_use", _("land-use planning and building")
    STREETS_PARKS = "streets_parks", _("streets, parks and traffic")
    LAND_LEASES = "land_leases", _("plots, leases and housing")
    SERVICES = "services", _("social, health, education and culture services")
    ENVIRONMENT = "environment", _("environment and safety")
    GOVERNANCE = "governance", _("decision-making and finances")
    INTERNAL = "internal", _("internal administration")


PREFIXES: dict[str, Topic] = {
    "10 03": Topic.LAND_USE,  # asemakaavoitus: detailed plans
    "10 04": Topic.LAND_USE,  # building permits, exceptions, demolition
    "10 06": Topic.LAND_USE,  # planning and building the City's buildings
    "08": Topic.STREETS_PARKS,  # traffic, parking, walking and cycling
    "10 05": Topic.STREETS_PARKS,  # street and park plans, public areas
    "10 01": Topic.LAND_LEASES,  # plot reservations, sales, land leases
    "10 07": Topic.LAND_LEASES,  # housing
    "05": Topic.SERVICES,  # social services, day care
    "06": Topic.SERVICES,  # health care
    "12": Topic.SERVICES,  # education, libraries, sports
    "14": Topic.SERVICES,  # business and employment services
    "09": Topic.ENVIRONMENT,  # public order and safety
    "11": Topic.ENVIRONMENT,  # environmental protection and permits
    "01": Topic.INTERNAL,  # staff: hiring, pay, resignations
    "00 03": Topic.INTERNAL,  # audits
    "02 06": Topic.INTERNAL,  # bookkeeping, one person's payment deferral
    "02 08 01 01": Topic.INTERNAL,  # procurement without competition
    "02 08 02 01": Topic.INTERNAL,
    "02 08 03 01": Topic.INTERNAL,
    "03 01 00": Topic.INTERNAL,  # damages
    "07": Topic.INTERNAL,  # the City's own information systems
    "13 02": Topic.INTERNAL,  # research permits for the City's records
}
# The topics of residents' default views.
FOR_RESIDENTS = tuple(topic for topic in Topic if topic != Topic.INTERNAL)


def topic_of(classification: str) -> Topic:
    code = classification.strip()
    matches = [p for p in PREFIXES if (code + " ").startswith(p + " ")]
    return PREFIXES[max(matches, key=len)] if matches else Topic.GOVERNANCE


def _starts(prefix: str) -> Q:
    # The trailing space keeps "10 0" from matching "10 01 ...".
    return Q(classification__startswith=prefix + " ") | Q(classification=prefix)


def topic_q(topic: Topic) -> Q:
    """Cases of ``topic``, by the same longest-prefix rule as topic_of: a
    prefix of the topic, but not a longer prefix of another topic."""
    if topic == Topic.GOVERNANCE:
        listed = Q()
        for prefix in PREFIXES:
            listed |= _starts(prefix)
        return ~listed
    match = Q(pk__in=[])
    for prefix, owner in PREFIXES.items():
        if owner != topic:
            continue
        narrower = Q(pk__in=[])
        for other, other_topic in PREFIXES.items():
            if other_topic != topic and other.startswith(prefix + " "):
                narrower |= _starts(other)
        match |= _starts(prefix) & ~narrower
    return match
