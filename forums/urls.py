from django.urls import include, path

from forums import feeds, pages, views
from forums.apis import forums, meetings, residents

app_name = "forums"

API = [
    path("forums/", forums.ForumListApi.as_view(), name="forum-list"),
    path("forums/<int:pk>/", forums.ForumDetailApi.as_view(), name="forum-detail"),
    path(
        "forums/<int:pk>/meetings/",
        meetings.ForumMeetingListApi.as_view(),
        name="forum-meetings",
    ),
    path(
        "meetings/<int:pk>/", meetings.MeetingDetailApi.as_view(), name="meeting-detail"
    ),
    path(
        "meetings/<int:pk>/agenda/",
        meetings.AgendaItemCreateApi.as_view(),
        name="agenda-item-create",
    ),
    path(
        "agenda-items/<int:pk>/",
        meetings.AgendaItemDeleteApi.as_view(),
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/minutes",
        meetings.MinutesPublishApi.as_view(),
        name="minutes-publish",
    ),
    path("follows/", residents.FollowListApi.as_view(), name="follow-list"),
    path(
        "follows/<int:pk>/", residents.FollowDeleteApi.as_view(), name="follow-delete"
    ),
    path("dashboard", residents.DashboardApi.as_view(), name="dashboard"),
]

FEEDS = [
    path(f"{scope}/meetings.{kind}", view, name=f"{name}-meetings-{kind}")
    for scope, name in (
        ("forums/<int:forum>", "forum"),
        ("areas/<str:level>/<str:code>", "area"),
        ("custom-areas/<int:custom_area>", "custom-area"),
    )
    for kind, view in (("atom", feeds.MeetingAtomFeed()), ("ics", feeds.meetings_ics))
]

urlpatterns = [path("api/v1/", include(API)), *FEEDS]

# Pages, mounted under a language prefix by config/urls.py (i18n_patterns)
# in the "forum-pages" namespace.
page_urlpatterns = [
    path("forums/", views.forum_list_page, name="list"),
    path("coordinator/", views.dashboard, name="dashboard"),
    path("coordinator/forums/new", views.forum_new, name="forum-new"),
    path("coordinator/areas/new", views.custom_area_new, name="custom-area-new"),
    path("coordinator/forums/<int:pk>/", views.forum_page, name="forum"),
    path(
        "coordinator/forums/<int:pk>/meetings/new",
        views.meeting_new,
        name="meeting-new",
    ),
    path("coordinator/meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path(
        "coordinator/meetings/<int:pk>/attendance",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
]

# What residents read, under /<lang>/ (config/urls.py), namespace "meetings".
resident_urlpatterns = [
    path("forums/<int:pk>/", pages.forum_page, name="forum"),
    path("meetings/<int:pk>/", pages.meeting_page, name="meeting"),
    path("meetings/<int:pk>/calendar.ics", pages.meeting_ics, name="meeting-ics"),
    path("follows/", pages.follow, name="follow"),
    path("news/", pages.news_page, name="news"),
    path("news/seen", pages.news_seen, name="news-seen"),
    path("news/digests", pages.digests_switch, name="digests"),
    path(
        "digests/unsubscribe/<str:token>/",
        pages.digest_unsubscribe,
        name="digest-unsubscribe",
    ),
]
