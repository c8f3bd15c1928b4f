"""Forms of the coordinator pages. They only parse input; rules are in the
services, whose ValidationErrors are shown on the form."""

from typing import Any

from django import forms
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import BudgetProposal, Case, Facility
from districts.models import CustomArea, District
from forums.models import Meeting
from geo.params import parse_polygon
from web.parsers import load_json


class ForumEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        required=False,
        max_length=10_000,
    )
    venue_address = forms.CharField(
        label=_("Usual venue address"), max_length=300, required=False
    )


class ForumForm(ForumEditForm):
    """A new forum: the editable fields, and the area it is for."""

    area = forms.ChoiceField(label=_("Area"))
    field_order = ["area", "title", "description", "venue_address"]

    def __init__(
        self,
        *args: Any,
        districts: list[District],
        custom_areas: list[CustomArea],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas: dict[str, District | CustomArea] = {
            f"d{area.pk}": area for area in districts
        } | {f"c{area.pk}": area for area in custom_areas}
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            (key, str(area)) for key, area in self.areas.items()
        ]

    def clean_area(self) -> District | CustomArea:
        return self.areas[self.cleaned_data["area"]]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    venue_facility = forms.ModelChoiceField(
        label=_("Venue: a facility in the area"),
        queryset=Facility.objects.none(),
        required=False,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    venue_address = forms.CharField(
        label=_("Venue address"), max_length=300, required=False
    )
    online_url = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https"
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Meeting.Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes"),
        widget=forms.Textarea,
        required=False,
        max_length=2_000,
    )

    def __init__(
        self, *args: Any, facilities: QuerySet[Facility] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if facilities is not None:
            self.fields["venue_facility"].queryset = facilities  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    """One point for the agenda: a case or a budget proposal of the area."""

    case = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), required=False
    )
    proposal = forms.ModelChoiceField(
        label=_("Budget proposal"),
        queryset=BudgetProposal.objects.none(),
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)

    def __init__(
        self,
        *args: Any,
        cases: QuerySet[Case],
        proposals: QuerySet[BudgetProposal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["proposal"].queryset = proposals  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    body = forms.CharField(label=_("Minutes"), widget=forms.Textarea)


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("People at the meeting"), min_value=0, max_value=100_000
    )


class CustomAreaForm(forms.Form):
    """A custom area a coordinator draws: names, and the boundary as GeoJSON
    (written by drawing on the map, or pasted)."""

    name_fi = forms.CharField(label=_("Name in Finnish"), max_length=200)
    name_sv = forms.CharField(
        label=_("Name in Swedish"), max_length=200, required=False
    )
    name_en = forms.CharField(
        label=_("Name in English"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, required=False, max_length=10_000
    )
    is_public = forms.BooleanField(
        label=_("Public: residents see it and can follow it"), required=False
    )
    boundary = forms.CharField(
        label=_("Boundary"),
        help_text=_(
            "Draw the area on the map, or paste a GeoJSON polygon in lon/lat "
            "(WGS 84). A public area must lie inside one of your areas."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=1_000_000,
    )

    def clean_boundary(self) -> MultiPolygon:
        try:
            return parse_polygon(
                load_json(self.cleaned_data["boundary"]), name="boundary"
            )
        except DjangoValidationError as error:
            raise forms.ValidationError(
                _("The boundary is not a GeoJSON polygon: %(error)s"),
                params={"error": " ".join(error.messages)},
            ) from error
