from django.urls import path

from participation import apis

app_name = "participation"

urlpatterns = [
    path("", apis.ParticipationApi.as_view(), name="participation"),
]
