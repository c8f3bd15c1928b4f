"""Open311 API keys: made once, stored as a digest, each with its own rate
limit."""

import hashlib
import secrets

from django.db import IntegrityError, transaction
from rest_framework.throttling import SimpleRateThrottle

from feedback.models import ApiKey


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, name: str, rate: str = "100/hour") -> tuple[ApiKey, str]:
    """A new key for the client application ``name``: the stored row and
    the key itself, which is not kept."""
    try:
        SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        raise ValueError(f"Not a rate: {rate!r}; use e.g. 100/hour.") from None
    key = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            row = ApiKey.objects.create(name=name, digest=digest_of(key), rate=rate)
    except IntegrityError:
        raise ValueError(f"A key named {name!r} exists already.") from None
    return row, key


def api_key_get(key: str) -> ApiKey | None:
    if not key:
        return None
    return ApiKey.objects.filter(digest=digest_of(key), is_active=True).first()
