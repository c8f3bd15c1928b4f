from django.urls import include, path

from cases.forums import apis, feeds

app_name = "forums"

API = [
    path("forums/", apis.ForumListApi.as_view(), name="forum-list"),
    path("forums/<int:pk>/", apis.ForumDetailApi.as_view(), name="forum-detail"),
    path(
        "forums/<int:pk>/meetings/",
        apis.ForumMeetingListApi.as_view(),
        name="forum-meetings",
    ),
    path("meetings/<int:pk>/", apis.MeetingDetailApi.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:pk>/agenda/",
        apis.AgendaItemCreateApi.as_view(),
        name="agenda-item-create",
    ),
    path(
        "agenda-items/<int:pk>/",
        apis.AgendaItemDeleteApi.as_view(),
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/minutes",
        apis.MinutesPublishApi.as_view(),
        name="minutes-publish",
    ),
    path("follows/", apis.FollowListApi.as_view(), name="follow-list"),
    path("follows/<int:pk>/", apis.FollowDeleteApi.as_view(), name="follow-delete"),
    path("dashboard", apis.DashboardApi.as_view(), name="dashboard"),
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
