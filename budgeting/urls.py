from django.urls import path

from budgeting import apis, ballot_pages, pages, views

app_name = "budgeting"

urlpatterns = [
    path("rounds/", apis.RoundListApi.as_view(), name="round-list"),
    path("rounds/<int:number>/", apis.RoundDetailApi.as_view(), name="round-detail"),
    path(
        "rounds/<int:number>/allocation",
        apis.AllocationApi.as_view(),
        name="allocation",
    ),
    path("rounds/<int:number>/plans/", apis.PlanListApi.as_view(), name="plan-list"),
    path(
        "rounds/<int:number>/ballots",
        apis.BallotSubmitApi.as_view(),
        name="ballot-submit",
    ),
    path(
        "rounds/<int:number>/paper-ballots",
        apis.PaperBallotSubmitApi.as_view(),
        name="paper-ballot-submit",
    ),
    path("rounds/<int:number>/results", apis.ResultsApi.as_view(), name="results"),
    path(
        "rounds/<int:number>/results.geojson",
        views.results_geojson,
        name="results-geojson",
    ),
    path("results.geojson", views.results_geojson, name="all-results-geojson"),
    path(
        "rounds/<int:number>/areas/<str:area>/pabulib.pb",
        apis.PabulibExportApi.as_view(),
        name="pabulib",
    ),
    path(
        "plans/<int:plan_id>/implementation",
        apis.PlanImplementationApi.as_view(),
        name="plan-implementation",
    ),
    path("receipts/<str:code>", apis.ReceiptApi.as_view(), name="receipt"),
]

# Pages, mounted under a language prefix by config/urls.py (i18n_patterns)
# in the "budgeting-pages" namespace.
page_urlpatterns = [
    path("budgeting/", views.rounds_page, name="rounds"),
    path("budgeting/rounds/<int:number>/", views.round_page, name="round"),
    path(
        "budgeting/rounds/<int:number>/propose/",
        pages.propose_page,
        name="propose",
    ),
    path(
        "budgeting/rounds/<int:number>/proposals/",
        pages.proposals_page,
        name="proposals",
    ),
    path(
        "budgeting/rounds/<int:number>/results/",
        pages.results_page,
        name="results",
    ),
    path("budgeting/my-proposals/", pages.my_proposals_page, name="my-proposals"),
    path("budgeting/rounds/<int:number>/vote/", ballot_pages.vote_page, name="vote"),
    path(
        "budgeting/rounds/<int:number>/my-ballot/",
        ballot_pages.ballot_page,
        name="ballot",
    ),
    path("budgeting/receipts/", ballot_pages.receipt_page, name="receipt"),
]
