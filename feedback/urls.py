from django.urls import path

from feedback import pages, views

app_name = "feedback"

urlpatterns = [
    path("open311/v2/", views.root, name="open311-root"),
    path("open311/v2/discovery.<str:fmt>", views.discovery, name="open311-discovery"),
    path("open311/v2/services.<str:fmt>", views.services, name="open311-services"),
    path(
        "open311/v2/services/<str:code>.<str:fmt>",
        views.service_definition,
        name="open311-service",
    ),
    path("open311/v2/requests.<str:fmt>", views.requests, name="open311-requests"),
    path(
        "open311/v2/requests/<str:request_id>.<str:fmt>",
        views.request_detail,
        name="open311-request",
    ),
]

# Residents' pages, mounted under a language prefix by config/urls.py in
# the "feedback-pages" namespace.
page_urlpatterns = [
    path("", pages.list_page, name="list"),
    path("new/", pages.new_page, name="new"),
    path("<str:request_id>/", pages.detail_page, name="detail"),
]
