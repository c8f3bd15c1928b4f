"""Map layers as residents see them: which collections the map offers, their
filters, and one item's essentials, areas and page.

The data and its visibility come from the layer registry (maps.layers) and
the selectors behind it; this module only decides what a person is shown,
in the active language.
"""

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import BudgetProposal, Case, Facility
from cases.topics import FOR_RESIDENTS, Topic
from districts.models import District
from districts.selectors import LEVELS
from feedback.models import Feedback
from feedback.selectors import service_options
from initiatives.models import Initiative
from maps.layers import LAYERS, Layer
from maps.outlines import area_url

# Fields a feature's title comes from, best first; {lang} is the active one.
TITLE_FIELDS = ("title_{lang}", "title_fi", "title", "name_{lang}", "name_fi")


@dataclass(frozen=True)
class MapLayer:
    name: str
    title: Any
    colour: str
    # Request parameter -> the model field whose choices it offers.
    filters: tuple[str, ...] = ()


# Colours are distinguishable for the common colour-vision deficiencies
# (Okabe-Ito) and each layer is also named in its legend and list.
MAP_LAYERS = (
    MapLayer("cases", _("Cases"), "#d55e00", ("status", "topic")),
    MapLayer("facilities", _("Facilities"), "#0072b2", ("kind",)),
    MapLayer("forums", _("Forums"), "#009e73"),
    MapLayer("budget-proposals", _("Budget proposals"), "#cc79a7", ("status", "round")),
    MapLayer("feedback", _("Feedback"), "#e69f00", ("status", "service_code")),
    MapLayer("initiatives", _("Initiatives"), "#56b4e9", ("status", "topic")),
)
MODELS: dict[str, type[Model]] = {
    "cases": Case,
    "facilities": Facility,
    "budget-proposals": BudgetProposal,
    "feedback": Feedback,
    "initiatives": Initiative,
}
# Filters on a related model's field: their options and label.
RELATED_FILTERS = {
    ("feedback", "service_code"): (service_options, _("Category")),
}


def offered_layers() -> list[tuple[MapLayer, Layer]]:
    """The map layers whose collection is registered."""
    return [(shown, LAYERS[shown.name]) for shown in MAP_LAYERS if shown.name in LAYERS]


def model_field(model: type[Model], name: str) -> Field:
    return cast(Field, model._meta.get_field(name))


def layer_title(name: str) -> str:
    return next((str(shown.title) for shown in MAP_LAYERS if shown.name == name), name)


def filter_options(layer_name: str, field_name: str) -> list[tuple[str, str]]:
    if related := RELATED_FILTERS.get((layer_name, field_name)):
        return related[0]()
    if field_name == "topic":
        return [(str(value), capfirst(str(label))) for value, label in Topic.choices]
    model = MODELS[layer_name]
    field = model_field(model, field_name)
    if field.choices:
        return [(str(value), str(label)) for value, label in field.choices]
    # The stored value (a round's number), not the row it points at.
    column = field.attname
    values = (
        model._default_manager.order_by(column)
        .values_list(column, flat=True)
        .distinct()
    )
    return [(str(value), str(value)) for value in values]


def filter_default(field_name: str) -> tuple[str, str]:
    """The value a filter starts at and its label: every value, but for a
    case's topic every topic residents can influence (cases.topics)."""
    if field_name == "topic":
        residents = ",".join(str(topic) for topic in FOR_RESIDENTS)
        return residents, str(_("All but internal administration"))
    return "", str(_("All"))


def filter_label(layer_name: str, field_name: str) -> str:
    if related := RELATED_FILTERS.get((layer_name, field_name)):
        return capfirst(str(related[1]))
    if field_name == "topic":
        return str(_("Topic"))
    field = model_field(MODELS[layer_name], field_name)
    return capfirst(str(field.verbose_name))


def item_title(item: Model) -> str:
    language = (get_language() or "fi")[:2]
    for pattern in TITLE_FIELDS:
        value = getattr(item, pattern.format(lang=language), "")
        if value:
            return str(value)
    return str(item)


def item_essentials(layer: Layer, item: Model) -> list[tuple[str, str]]:
    """(label, value) for the layer's properties that have a value, labels
    and choice values in the active language."""
    rows = []
    for name in layer.properties:
        if name.startswith(("title", "name_")) or not hasattr(item, name):
            continue
        try:
            field = model_field(type(item), name)
        except FieldDoesNotExist:  # an annotation, such as district_code
            continue
        value = getattr(item, name)
        if value in (None, ""):
            continue
        display = getattr(item, f"get_{name}_display", None)
        if field.choices and display:
            value = display()
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((capfirst(str(field.verbose_name)), str(value)))
    return rows


def official_areas(item: Model) -> list[District]:
    """The official areas an item lies in: those linked to a located item,
    the areas above an official area, a forum's own area."""
    if isinstance(item, District):
        above, parent = [], item.parent
        while parent is not None:
            above.append(parent)
            parent = parent.parent
        return above
    if hasattr(item, "areas"):
        return list(item.areas.defer("boundary").filter(is_sea=False))
    district = getattr(item, "district", None)
    return [district] if isinstance(district, District) else []


def item_areas(item: Model) -> list[dict[str, str]]:
    areas = sorted(official_areas(item), key=lambda a: LEVELS.index(a.level))
    return [
        {
            "level": str(area.get_level_display()),
            "name": area.name(),
            "url": area_url(area.level, area.code),
        }
        for area in areas
    ]


def item_page_url(layer_name: str, item_id: int | str) -> str:
    return reverse("pages:item", kwargs={"collection": layer_name, "item_id": item_id})


def item_summary(request: HttpRequest, layer: Layer, item: Model) -> dict[str, Any]:
    return {
        "title": item_title(item),
        "rows": item_essentials(layer, item),
        "areas": item_areas(item),
        "url": item_page_url(layer.name, item.pk),
    }
