"""The residents' proposal form. It only parses input; the rules are in
budgeting.services.proposal_submit, whose ValidationErrors are shown on
the form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("Say in a few words what should be done."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_("What, where and why. Published as you write it."),
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (EUR)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Your own estimate, if you have one. The City costs it later."),
    )
    city_wide = forms.BooleanField(
        label=_("This proposal is for the whole city"),
        required=False,
        help_text=_(
            "Then it competes for the city-wide money. Otherwise it competes "
            "for the money of the major district its place is in."
        ),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Filled in when you pick the place on the map, e.g. 60.171."),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        help_text=_("e.g. 24.941."),
    )
