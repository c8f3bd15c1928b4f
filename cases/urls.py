from django.urls import path

from cases import apis

app_name = "cases"

urlpatterns = [
    path("cases/", apis.CaseListApi.as_view(), name="case-list"),
    path("cases/<str:pk>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path("facilities/", apis.FacilityListApi.as_view(), name="facility-list"),
    path(
        "facilities/<str:pk>/",
        apis.FacilityDetailApi.as_view(),
        name="facility-detail",
    ),
    path("proposals/", apis.ProposalListApi.as_view(), name="proposal-list"),
    path(
        "proposals/<str:pk>/",
        apis.ProposalDetailApi.as_view(),
        name="proposal-detail",
    ),
]
