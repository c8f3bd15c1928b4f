"""Old page URLs from before every page had a language prefix."""

from django.http import HttpRequest
from django.http.response import HttpResponseRedirectBase
from django.utils.translation import get_language_from_request


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    """308: unlike 301, a browser repeats a POST (a sign-in form posted to an
    old address) as a POST."""

    status_code = 308


def to_language_prefix(request: HttpRequest) -> PermanentRedirectKeepingMethod:
    """The same path and query under the visitor's language (cookie, then
    Accept-Language, then the default)."""
    language = get_language_from_request(request)
    return PermanentRedirectKeepingMethod(f"/{language}{request.get_full_path()}")
