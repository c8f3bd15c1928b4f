from django.urls import path

from districts import accounts, apis

app_name = "districts"

urlpatterns = [
    path("locate", apis.LocateApi.as_view(), name="locate"),
    path("areas/", apis.AreaListApi.as_view(), name="area-list"),
    path(
        "areas/<str:level>/<str:code>/",
        apis.AreaDetailApi.as_view(),
        name="area-detail",
    ),
    path("custom-areas/", apis.CustomAreaListApi.as_view(), name="custom-area-list"),
    path(
        "custom-areas/<int:pk>/",
        apis.CustomAreaDetailApi.as_view(),
        name="custom-area-detail",
    ),
    path("auth/token", accounts.TokenCreateApi.as_view(), name="token-create"),
    path("me", apis.MeApi.as_view(), name="me"),
    path("audit-log/", apis.AuditLogListApi.as_view(), name="audit-log"),
]
