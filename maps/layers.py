"""The registry of map layers: every collection the OGC API, the vector
tiles and the planners' query serve.

A layer names the selector that feeds it (visibility is the selector's
business), its geometry, the properties a feature carries, the fields a
tile carries, and the filters it understands. Everything else is generic.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import F, Model, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from cases.models import BudgetProposal, Case, Facility
from cases.topics import Topic
from districts.models import CustomArea, District
from districts.permissions import AnyUser
from districts.selectors import (
    custom_area_by_id,
    custom_areas_visible_to,
    district_by_ref,
)
from feedback.models import Feedback, Service, Unit
from feedback.selectors import feedback_layer_rows, service_options
from forums.selectors import forums_visible_to
from geo.querysets import LocatedQuerySet
from initiatives.models import Initiative
from initiatives.selectors import initiatives_visible_to
from participation.selectors import ROW_FIELDS, parse_query, rate_rows
from web.params import is_whole_number
from web.versions import version_of

Viewer = AnyUser


@dataclass(frozen=True)
class Filter:
    """One request parameter a layer is narrowed by, and its OpenAPI
    description: the document is built from these, so it names every filter
    a layer accepts."""

    narrow: Callable[[QuerySet, str], QuerySet]
    description: str
    # The OpenAPI schema of the value, and how a list of values is written.
    schema: dict[str, Any]
    style: dict[str, Any] = field(default_factory=dict)

    def __call__(self, rows: QuerySet, value: str) -> QuerySet:
        return self.narrow(rows, value)


def areas_overlapping(rows: QuerySet, area: Any) -> QuerySet:
    # Areas whose interiors meet: a neighbour that only shares a border line
    # with ``area`` touches it, and is not in it.
    return rows.filter(boundary__intersects=area).exclude(boundary__touches=area)


def items_within(rows: QuerySet, area: Any) -> QuerySet:
    # An item touching the area at all belongs to it, as
    # LocatedQuerySet.intersecting says.
    return cast(LocatedQuerySet, rows).intersecting(area)


def items_linked_to(rows: QuerySet, district_id: int) -> QuerySet:
    # The stored area links (cases.services.links), so a layer filtered by
    # an official area never disagrees with the item's own list of areas.
    return rows.filter(areas=district_id)


@dataclass(frozen=True)
class Layer:
    name: str
    title: str
    description: str
    rows: Callable[[Viewer], QuerySet]
    geometry: str
    properties: tuple[str, ...]
    tile_fields: tuple[str, ...]
    # A stored Web Mercator copy of the geometry that tiles draw from.
    web_geometry: str | None = None
    # Rows in (or overlapping) a geometry: a custom or a drawn area.
    overlapping: Callable[[QuerySet, Any], QuerySet] = items_within
    # Rows in the official area with this id; None: spatially.
    linked_to: Callable[[QuerySet, int], QuerySet] | None = items_linked_to
    filters: Mapping[str, Filter] = field(default_factory=dict)
    id_field: str = "id"
    temporal: str | None = None
    # Counted per value in the planners' query (status, kind).
    breakdown: str | None = None
    # False when what a viewer sees depends on who they are.
    public: bool = True
    ordering: tuple[str, ...] = ("id",)
    # Rows that depend on request parameters (a statistic: which measure,
    # which period), and the names of those parameters; ``rows`` is then
    # the answer with every parameter left to its default.
    shaped: Callable[[Mapping[str, str]], QuerySet] | None = None
    parameters: tuple[str, ...] = ()
    # Every table the rows and filters of a public layer read, each with a
    # data version (web.versions): their versions make the layer's.
    sources: tuple[type[Model], ...] = ()

    def data_version(self) -> str | None:
        """A key that changes whenever any row this layer shows, or any row
        that decides which rows a filter picks, changes; None when the
        layer has none (rows that depend on the viewer or on a statistic
        over many tables)."""
        tables = self.version_tables()
        if tables is None:
            return None
        return version_of(tables, using=router.db_for_read(self.sources[0]))

    def version_tables(self) -> list[str] | None:
        """The tables whose versions make ``data_version`` (None: it has
        none), for a statement that reads them beside the rows
        (web.versions.version_sql)."""
        if not self.public or not self.sources:
            return None
        return [model._meta.db_table for model in self.sources]

    def same_for_everyone(self, params: Mapping[str, str]) -> bool:
        """Whether the rows ``params`` ask for are this layer's rows as
        anyone sees them: a public layer, not shaped by parameters, and no
        filter given (FILTER_PARAMETERS). Their statement may then be
        compiled once per process (tiles, items), and who asks need not be
        looked up."""
        return (
            self.public
            and self.shaped is None
            and not any(params.get(name) for name in FILTER_PARAMETERS)
        )

    def rows_for(self, viewer: Viewer, params: Mapping[str, str]) -> QuerySet:
        return self.shaped(params) if self.shaped else self.rows(viewer)

    def feature_rows(
        self, viewer: Viewer, params: Mapping[str, str] | None = None
    ) -> QuerySet:
        return self.rows_for(viewer, params or {}).order_by(*self.ordering)

    def in_official_area(self, rows: QuerySet, district_id: int) -> QuerySet:
        if self.linked_to is not None:
            return self.linked_to(rows, district_id)
        boundary = District.objects.filter(id=district_id).values("boundary")[:1]
        return self.overlapping(rows, Subquery(boundary))

    def get_feature(
        self,
        viewer: Viewer,
        feature_id: str,
        params: Mapping[str, str] | None = None,
    ) -> QuerySet:
        if self.id_field == "id" and not is_whole_number(feature_id):
            raise Http404(f"No feature {feature_id[:40]!r} in {self.name}.")
        rows = self.rows_for(viewer, params or {})
        return rows.filter(**{self.id_field: feature_id})


def custom_area_boundary(raw: object, viewer: Viewer) -> Subquery:
    """The boundary of the custom area ``custom_area=`` names, as a subquery,
    so the boundary never leaves the database."""
    area = custom_area_by_id(raw, viewer=viewer)
    return Subquery(CustomArea.objects.filter(pk=area.pk).values("boundary")[:1])


COMMA_SEPARATED = {"style": "form", "explode": False}


def choice_filter(field_name: str, choices: list[str]) -> Filter:
    """``?status=a,b``: rows whose ``field_name`` is one of the values."""

    def narrow(rows: QuerySet, value: str) -> QuerySet:
        wanted = [v.strip() for v in value.split(",") if v.strip()]
        unknown = sorted(set(wanted) - set(choices))
        if unknown:
            raise ValidationError(
                f"Unknown {field_name} {', '.join(unknown)[:80]!r}; use any of: "
                f"{', '.join(choices)}."
            )
        return rows.filter(**{f"{field_name}__in": wanted})

    return Filter(
        narrow,
        f"Rows whose {field_name} is any of these, comma-separated.",
        {"type": "array", "items": {"type": "string", "enum": choices}},
        COMMA_SEPARATED,
    )


def narrow_by_topic(rows: QuerySet, value: str) -> QuerySet:
    """``?topic=land_use,services``: cases of any of the topics
    (cases.topics)."""
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    unknown = sorted(set(wanted) - set(Topic.values))
    if unknown:
        raise ValidationError(
            f"Unknown topic {', '.join(unknown)[:80]!r}; use any of: "
            f"{', '.join(Topic.values)}."
        )
    return rows.of_topics(wanted)  # type: ignore[attr-defined]


topic_filter = Filter(
    narrow_by_topic,
    "Cases of any of these topics (grouped from the Ahjo classification), "
    "comma-separated.",
    {"type": "array", "items": {"type": "string", "enum": list(Topic.values)}},
    COMMA_SEPARATED,
)


def number_filter(field_name: str) -> Filter:
    """``?round=2,3``: rows whose ``field_name`` is one of the numbers."""

    def narrow(rows: QuerySet, value: str) -> QuerySet:
        wanted = [v.strip() for v in value.split(",") if v.strip()]
        if not all(is_whole_number(v) for v in wanted):
            raise ValidationError(
                f"{field_name} must be whole numbers separated by commas, "
                f"got {value[:40]!r}."
            )
        return rows.filter(**{f"{field_name}__in": [int(v) for v in wanted]})

    return Filter(
        narrow,
        f"Rows whose {field_name} is any of these numbers, comma-separated.",
        {"type": "array", "items": {"type": "integer", "minimum": 0}},
        COMMA_SEPARATED,
    )


# The filters every layer takes (apply_filters), as OpenAPI describes them.
AREA_FILTERS: dict[str, dict[str, Any]] = {
    "area": {
        "description": "An official area, <level>:<code> (district:101).",
        "schema": {"type": "string"},
    },
    "custom_area": {
        "description": "A custom area id (a public one, or one you may see).",
        "schema": {"type": "integer"},
    },
}


def _all_filter_names() -> set[str]:
    return set(AREA_FILTERS) | {
        name for layer in LAYERS.values() for name in layer.filters
    }


def apply_filters(
    layer: Layer, rows: QuerySet, params: Mapping[str, str], viewer: Viewer
) -> QuerySet:
    """The layer's rows narrowed by ``area``, ``custom_area`` and the
    layer's own filters (``status``, ``kind``...)."""
    if spec := params.get("area"):
        rows = layer.in_official_area(rows, district_by_ref(spec).pk)
    if raw := params.get("custom_area"):
        rows = layer.overlapping(rows, custom_area_boundary(raw, viewer))
    for name, narrow in layer.filters.items():
        if value := params.get(name):
            rows = narrow(rows, value)
    return rows


AREA_PROPERTIES = ("level", "code", "name_fi", "name_sv", "name_en")


def district_layer(name: str, level: str, title: str, description: str) -> Layer:
    def rows(viewer: Viewer) -> QuerySet:
        return District.objects.at_level(level).annotate(parent_code=F("parent__code"))

    return Layer(
        name=name,
        title=title,
        description=description,
        rows=rows,
        geometry="boundary",
        properties=(*AREA_PROPERTIES, "full_code", "parent_code", "is_sea"),
        tile_fields=(*AREA_PROPERTIES, "is_sea"),
        overlapping=areas_overlapping,
        linked_to=None,
        id_field="code",
        ordering=("code",),
        sources=(District,),
    )


def linked(model: Any) -> tuple[type[Model], ...]:
    """An item table, its area links and the areas ``?area=`` names."""
    return (model, model.areas.through, District)


def case_rows(viewer: Viewer) -> QuerySet:
    return Case.objects.all()


def facility_rows(viewer: Viewer) -> QuerySet:
    return Facility.objects.all()


def forum_rows(viewer: Viewer) -> QuerySet:
    # A forum is drawn as the area it is the forum of: its official area's
    # boundary or its custom area's. Its venue is a meeting's business, and
    # a forum meets in more than one place.
    return forums_visible_to(viewer).annotate(
        boundary=Coalesce(F("district__boundary"), F("custom_area__boundary")),
        area_level=F("district__level"),
        area_code=F("district__code"),
    )


def proposal_rows(viewer: Viewer) -> QuerySet:
    return BudgetProposal.objects.annotate(district_code=F("district__code"))


def feedback_rows(viewer: Viewer) -> QuerySet:
    return feedback_layer_rows()


def narrow_by_service_code(rows: QuerySet, value: str) -> QuerySet:
    """``?service_code=171,172``: feedback of these services (categories)."""
    wanted = [v.strip() for v in value.split(",") if v.strip()]
    unknown = sorted(set(wanted) - {code for code, _ in service_options()})
    if unknown:
        raise ValidationError(
            f"Unknown service_code {', '.join(unknown)[:80]!r}; the services "
            "are listed at /open311/v2/services.json."
        )
    return rows.filter(service__code__in=wanted)


service_code_filter = Filter(
    narrow_by_service_code,
    "Feedback of these Open311 service codes, comma-separated.",
    {"type": "array", "items": {"type": "string"}},
    COMMA_SEPARATED,
)


def participation_rows(params: Mapping[str, str]) -> QuerySet:
    return rate_rows(parse_query(params))


def initiative_rows(viewer: Viewer) -> QuerySet:
    # Published ones, and one's own drafts; merged duplicates stay, closed.
    return initiatives_visible_to(viewer)


def values_of(choices: Any) -> list[str]:
    return [str(value) for value in choices.values]


LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        district_layer(
            "major-districts",
            District.Level.MAJOR_DISTRICT,
            "Major districts",
            "Helsinki's 8 major districts (suurpiiri), 2022 division.",
        ),
        district_layer(
            "districts",
            District.Level.DISTRICT,
            "Districts",
            "Helsinki's 34 districts (peruspiiri), 2022 division.",
        ),
        district_layer(
            "sub-districts",
            District.Level.SUB_DISTRICT,
            "Sub-districts",
            "Helsinki's 148 sub-districts (osa-alue), 2022 division.",
        ),
        district_layer(
            "neighbourhoods",
            District.Level.NEIGHBOURHOOD,
            "Neighbourhoods",
            "Helsinki's neighbourhoods (kaupunginosa) and its sea area.",
        ),
        Layer(
            name="custom-areas",
            title="Custom areas",
            description=(
                "Areas drawn by coordinators and planners. Public ones for "
                "everyone; private ones for their owner and staff."
            ),
            rows=custom_areas_visible_to,
            geometry="boundary",
            properties=("name_fi", "name_sv", "name_en", "description", "is_public"),
            tile_fields=("id", "name_fi", "name_sv", "name_en"),
            overlapping=areas_overlapping,
            linked_to=None,
            temporal="created_at",
            public=False,
        ),
        Layer(
            name="cases",
            title="Cases",
            description=(
                "Pending administrative cases of the City (Ahjo), located "
                "where their text names a place; unlocated ones have no "
                "geometry."
            ),
            rows=case_rows,
            geometry="location",
            web_geometry="location_web",
            properties=(
                "diary_number",
                "title_fi",
                "title_sv",
                "status",
                "department",
                "decision_maker",
                "opened_on",
                "decided_on",
                "placement",
            ),
            tile_fields=("id", "title_fi", "status"),
            filters={
                "status": choice_filter("status", values_of(Case.Status)),
                "topic": topic_filter,
            },
            temporal="opened_on",
            breakdown="status",
            sources=linked(Case),
        ),
        Layer(
            name="facilities",
            title="Facilities",
            description="City service units: playgrounds, libraries, youth centres.",
            rows=facility_rows,
            geometry="location",
            web_geometry="location_web",
            properties=(
                "kind",
                "name_fi",
                "name_sv",
                "name_en",
                "address_fi",
                "is_bookable",
                "booking_url",
            ),
            tile_fields=("id", "kind", "name_fi", "name_sv", "name_en"),
            filters={"kind": choice_filter("kind", values_of(Facility.Kind))},
            breakdown="kind",
            sources=linked(Facility),
        ),
        Layer(
            name="forums",
            title="Forums",
            description=(
                "Residents' area forums, drawn as the area each is the forum "
                "of (an official or a custom area)."
            ),
            rows=forum_rows,
            geometry="boundary",
            properties=(
                "title",
                "description",
                "area_level",
                "area_code",
                "custom_area_id",
                "venue_address",
            ),
            tile_fields=("id", "title", "area_level", "area_code"),
            overlapping=areas_overlapping,
            linked_to=None,
            temporal="created_at",
            public=False,
        ),
        Layer(
            name="budget-proposals",
            title="Budget proposals",
            description=(
                "Residents' participatory-budgeting proposals (OmaStadi) by "
                "round; district_code is the major district whose pool it "
                "competes for."
            ),
            rows=proposal_rows,
            geometry="location",
            web_geometry="location_web",
            properties=(
                "round",
                "title",
                "status",
                "scope",
                "district_code",
                "estimated_cost",
            ),
            tile_fields=("id", "title", "status", "round"),
            filters={
                "status": choice_filter("status", values_of(BudgetProposal.Status)),
                "round": number_filter("round"),
            },
            temporal="created_at",
            breakdown="status",
            sources=linked(BudgetProposal),
        ),
        Layer(
            name="feedback",
            title="Feedback",
            description=(
                "Residents' feedback to the City (Open311 GeoReport v2): the "
                "category, what was written as the City publishes it, its "
                "status and the unit responsible. Who gave it is never shown."
            ),
            rows=feedback_rows,
            geometry="location",
            web_geometry="location_web",
            properties=(
                "service_request_id",
                "service_code",
                "service_name",
                "title",
                "description",
                "status",
                "detailed_status",
                "unit_name",
                "address",
                "media_url",
                "facility_id",
                "requested_at",
                "updated_at",
            ),
            tile_fields=("id", "service_code", "status", "title"),
            filters={
                "status": choice_filter("status", values_of(Feedback.Status)),
                "service_code": service_code_filter,
            },
            temporal="requested_at",
            breakdown="status",
            sources=(*linked(Feedback), Service, Unit),
        ),
        Layer(
            name="participation",
            title="Participation per 1,000 residents",
            description=(
                "One measure of participation (measure=proposals, ballots, "
                "meetings, attendance) per area (level=district or "
                "major_district) for one round= or year=, with the count, "
                "the population of that year, the count per 1,000 residents "
                "and the population structure. Default: proposals per "
                "district in the newest round."
            ),
            rows=lambda viewer: participation_rows({}),
            geometry="boundary",
            properties=("level", *ROW_FIELDS),
            tile_fields=("code", "name_fi", "name_sv", "count", "per_1000"),
            overlapping=areas_overlapping,
            linked_to=None,
            id_field="code",
            ordering=("code",),
            shaped=participation_rows,
            parameters=("measure", "level", "round", "year"),
        ),
        Layer(
            name="initiatives",
            title="Initiatives",
            description=(
                "Residents' initiatives to the City (Local Government Act, "
                "section 23), where they are about a place; is_demo marks "
                "demonstration ones."
            ),
            rows=initiative_rows,
            geometry="location",
            web_geometry="location_web",
            properties=(
                "title",
                "status",
                "topic",
                "language",
                "is_youth",
                "is_demo",
                "board",
                "published_at",
            ),
            tile_fields=("id", "title", "status", "topic"),
            filters={
                "status": choice_filter("status", values_of(Initiative.Status)),
                "topic": choice_filter("topic", values_of(Initiative.Topic)),
            },
            temporal="published_at",
            breakdown="status",
            public=False,
        ),
    )
}


def get_layer(name: str) -> Layer:
    try:
        return LAYERS[name]
    except KeyError:
        raise Http404(
            f"No collection {name[:60]!r}; collections: {', '.join(LAYERS)}."
        ) from None


# Every request parameter some layer filters by.
FILTER_PARAMETERS = frozenset(_all_filter_names())
