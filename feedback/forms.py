"""The residents' feedback form. It only parses input; the rules are in
feedback.services, whose ValidationErrors are shown on the form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.selectors import services_open


class FeedbackForm(forms.Form):
    service_code = forms.ChoiceField(label=_("What is it about?"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Your feedback"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Published as you write it, without your name."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Where it is, if it is not about the facility, e.g. 60.171."),
    )
    long = forms.FloatField(label=_("Longitude"), required=False)
    email = forms.EmailField(
        label=_("E-mail for the reply"),
        required=False,
        help_text=_("Seen only by the City's staff; deleted after a while."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, facility: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_code"].choices = [  # type: ignore[attr-defined]
            (s.code, s.label) for s in services_open()
        ]
        if facility is not None:
            del self.fields["lat"]
            del self.fields["long"]
