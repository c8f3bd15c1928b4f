"""Atom feed of what is new in an official area."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from districts.models import District
from districts.selectors import area_get
from maps.area_contents import area_news
from maps.outlines import area_url
from web.feeds import CleanAtom1Feed


class AreaFeed(Feed):
    feed_type = CleanAtom1Feed

    def get_object(self, request: HttpRequest, level: str, code: str) -> District:
        area = area_get(level=level, code=code)
        if area is None:
            raise Http404(_("No such area."))
        return area

    def title(self, area: District) -> str:
        return _("New in %(name)s") % {"name": area.name()}

    def subtitle(self, area: District) -> str:
        return _(
            "Cases, budget proposals and feedback added in %(name)s, Helsinki."
        ) % {"name": area.name()}

    def link(self, area: District) -> str:
        return area_url(area.level, area.code)

    def items(self, area: District) -> list[dict[str, Any]]:
        return area_news(area)

    def item_title(self, item: dict[str, Any]) -> str:
        return str(item["title"])

    def item_description(self, item: dict[str, Any]) -> str:
        return str(item["title"])

    def item_link(self, item: dict[str, Any]) -> str:
        return str(item["url"])

    def item_guid(self, item: dict[str, Any]) -> str:
        return f"piiri:{item['collection']}:{item['id']}"

    def item_pubdate(self, item: dict[str, Any]) -> Any:
        return item["created_at"]

    def item_updateddate(self, item: dict[str, Any]) -> Any:
        return item["created_at"]
