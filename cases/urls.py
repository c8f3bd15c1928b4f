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
    # The proposal list (GET, and POST into a round's proposal phase) is
    # served by budgeting.apis.ProposalListApi: see config/urls.py.
    path(
        "proposals/<str:pk>/",
        apis.ProposalDetailApi.as_view(),
        name="proposal-detail",
    ),
]
