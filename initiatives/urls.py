from typing import Any

from django.urls import path

from initiatives import apis

app_name = "initiatives"


def step(name: str) -> Any:
    return apis.InitiativeStepApi.as_view(step=name)


urlpatterns = [
    path("initiatives/", apis.InitiativeListApi.as_view(), name="initiative-list"),
    path(
        "initiatives/suggestions",
        apis.SuggestionsApi.as_view(),
        name="initiative-suggestions",
    ),
    path(
        "initiatives/<str:pk>/",
        apis.InitiativeDetailApi.as_view(),
        name="initiative-detail",
    ),
    path(
        "initiatives/<str:pk>/similar",
        apis.InitiativeSimilarApi.as_view(),
        name="initiative-similar",
    ),
    path(
        "initiatives/<str:pk>/support",
        apis.SupportApi.as_view(),
        name="initiative-support",
    ),
    *(
        path(f"initiatives/<str:pk>/{name}", step(name), name=f"initiative-{name}")
        for name in ("publish", "submit", "handling", "answer", "close", "merge")
    ),
    path(
        "proposals/<str:pk>/similar",
        apis.ProposalSimilarApi.as_view(),
        name="proposal-similar",
    ),
]
