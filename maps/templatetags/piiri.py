from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext_lazy as _

from districts.permissions import can_use_coordinator_pages

register = template.Library()

# The header's sections: (URL name, label, the URL names that are "in" it).
SECTIONS = (
    ("pages:map", _("Map"), {"pages:map", "home"}),
    (
        "pages:list",
        _("Lists"),
        {"pages:list", "pages:area", "pages:item", "pages:search", "pages:area-report"},
    ),
    (
        "budgeting-pages:rounds",
        _("Participatory budgeting"),
        {
            "budgeting-pages:rounds",
            "budgeting-pages:round",
            "budgeting-pages:propose",
            "budgeting-pages:proposals",
            "budgeting-pages:results",
            "budgeting-pages:my-proposals",
        },
    ),
    ("forum-pages:list", _("Forums and meetings"), {"forum-pages:list"}),
    (
        "feedback-pages:list",
        _("Feedback"),
        {"feedback-pages:list", "feedback-pages:detail", "feedback-pages:new"},
    ),
    (
        "initiative-pages:list",
        _("Initiatives"),
        {"initiative-pages:list", "initiative-pages:detail", "initiative-pages:new"},
    ),
    (
        "pages:equity",
        _("Participation"),
        {"pages:equity", "pages:participation-report"},
    ),
)


def _language_url(request: HttpRequest, code: str) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name == "home":
        # The bare root answers in the visitor's language and has no
        # language prefix to swap.
        with override(code):
            return reverse("pages:map")
    return translate_url(request.get_full_path(), code)


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """One link per service language to this page in that language, each
    labelled in its own language so a reader finds theirs."""
    request = context["request"]
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": _language_url(request, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def navigation_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The header's sections, the one this page belongs to marked current."""
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.view_name if match is not None else ""
    return [
        {"url": reverse(name), "label": label, "current": here in members}
        for name, label, members in SECTIONS
    ]


@register.simple_tag(takes_context=True)
def account_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The signed-in user's own pages in the header: what is new in what
    they follow, and the coordinator pages for those who run forums."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match is not None else ""
    pages = [("meetings:news", _("Since your last visit"))]
    if can_use_coordinator_pages(request.user):
        pages.append(("forum-pages:dashboard", _("Coordinator pages")))
    return [
        {"url": reverse(name), "label": label, "current": here == name}
        for name, label in pages
    ]
