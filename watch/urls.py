"""Page routes of saved searches."""

from django.urls import path

from watch import views

urlpatterns = [
    path("searches/", views.searches, name="saved-searches"),
]
