from django.urls import path

from districts import apis

app_name = "districts"

urlpatterns = [
    path("locate", apis.LocateApi.as_view(), name="locate"),
    path("areas/", apis.AreaListApi.as_view(), name="area-list"),
    path(
        "areas/<str:level>/<str:code>/",
        apis.AreaDetailApi.as_view(),
        name="area-detail",
    ),
]
