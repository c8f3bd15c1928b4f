"""The form residents write an initiative with. It only parses input; the
rules are in the services, whose ValidationErrors are shown on the form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import District
from initiatives.models import Initiative


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("What should the city start doing?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Say what you propose and why. Write in Finnish, Swedish or English."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language written in"), choices=Initiative.Language.choices
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Initiative.Topic.choices)
    neighbourhood = forms.ChoiceField(
        label=_("Which neighbourhood is it about? (optional)"),
        required=False,
        help_text=_("The initiative is placed in the middle of the neighbourhood."),
    )
    is_youth = forms.BooleanField(
        label=_("This is a youth initiative (the writer is under 18)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = (
            District.objects.at_level(District.Level.NEIGHBOURHOOD)
            .on_land()
            .defer("boundary")
            .order_by("name_fi")
        )
        self.fields["neighbourhood"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            *((area.code, area.name()) for area in areas),
        ]
