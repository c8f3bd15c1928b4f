from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from budgeting import apis as budgeting_apis
from budgeting.urls import page_urlpatterns as budgeting_pages
from districts.accounts import ThrottledLoginView
from feedback.urls import page_urlpatterns as feedback_pages
from forums import urls as forum_urls
from maps import pages
from maps.urls import page_urlpatterns
from web import health
from web.redirects import to_language_prefix

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # OpenID Connect: authenticate/, callback/, logout/ (mozilla-django-oidc).
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/", include("districts.urls")),
    # Proposals are items (cases) submitted into a round's proposal phase
    # (budgeting, above cases): budgeting's view serves their list.
    path(
        "api/v1/proposals/",
        budgeting_apis.ProposalListApi.as_view(),
        name="proposal-list",
    ),
    path("api/v1/", include("cases.urls")),
    path("api/v1/", include("initiatives.urls")),
    path("api/v1/budgeting/", include("budgeting.urls")),
    path("api/v1/participation/", include("participation.urls")),
    path("", include("forums.urls")),
    path("", include("feedback.urls")),
    # Pages that had no language prefix before: same path under /<lang>/.
    re_path(r"^(?:accounts|coordinator|budgeting/rounds)/", to_language_prefix),
]
urlpatterns += [path("", include("maps.urls"))]

handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"

# The map at the bare root answers in the visitor's language (cookie, then
# Accept-Language, then Finnish); every page also has a /fi/ /sv/ /en/ URL.
urlpatterns += [path("", pages.map_page, name="home")]
urlpatterns += i18n_patterns(
    path("", include((page_urlpatterns, "pages"))),
    path("feedback/", include((feedback_pages, "feedback-pages"))),
    path("", include((budgeting_pages, "budgeting-pages"))),
    path("", include((forum_urls.page_urlpatterns, "forum-pages"))),
    path("", include((forum_urls.resident_urlpatterns, "meetings"))),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("", include(("initiatives.page_urls", "initiative-pages"))),
)
