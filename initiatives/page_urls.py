"""Residents' initiative pages, mounted under a language prefix by
config/urls.py in the "initiative-pages" namespace."""

from django.urls import path

from initiatives import views

urlpatterns = [
    path("initiatives/", views.initiative_list, name="list"),
    path("initiatives/new/", views.initiative_new, name="new"),
    path("initiatives/report/", views.report, name="report"),
    path("initiatives/<int:pk>/", views.initiative_page, name="detail"),
    path("initiatives/<int:pk>/publish", views.initiative_publish, name="publish"),
    path("initiatives/<int:pk>/support", views.initiative_support, name="support"),
    path("initiatives/<int:pk>/withdraw", views.initiative_withdraw, name="withdraw"),
]
