from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value: object) -> object:
    """A number with the active language's thousands separator (1 257 927
    in Finnish and Swedish, 1,257,927 in English), cents only when there
    are any; anything else as it is, so None stays for the template to
    word."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value
    whole = isinstance(value, int) or value == value.to_integral_value()
    return number_format(
        value, decimal_pos=0 if whole else 2, use_l10n=True, force_grouping=True
    )
