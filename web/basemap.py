"""The basemap every page map draws under its layers (settings.BASEMAP_URL;
empty in tests, which never reach the internet)."""

from django.conf import settings


def basemap() -> dict[str, str]:
    return {"url": settings.BASEMAP_URL, "attribution": settings.BASEMAP_ATTRIBUTION}
