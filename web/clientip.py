"""Who is calling, as far as the network can tell: the client address.

Behind ``NUM_PROXIES`` trusted proxies, each appends the address it saw to
``X-Forwarded-For``, so the client is the entry that many places from the
right; anything further left was written by the client and is ignored.
With no proxies (the default), ``X-Forwarded-For`` is not read at all.
Rate limits (web.ratelimit) and the sign-in lockout (settings AXES_*) key
on this one answer.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, or None when nothing trustworthy says it (a
    request built in-process)."""
    remote = valid_address(str(request.META.get("REMOTE_ADDR") or ""))
    proxies: int = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    forwarded = [part for part in forwarded if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the nearest proxy was reached directly,
    # so the leftmost entry is the best that is known.
    return valid_address(forwarded[-min(proxies, len(forwarded))]) or remote
