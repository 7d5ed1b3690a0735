"""Release routes (under /api/v1/releases/)."""

from django.urls import path

from releases.api.views import ReleaseDetailView, ReleaseFileView, ReleaseListView

urlpatterns = [
    path("", ReleaseListView.as_view(), name="api-release-list"),
    # Any segment reaches the views, so a bad number or name is a JSON 404, not Django's page.
    path("<str:number>/", ReleaseDetailView.as_view(), name="api-release-detail"),
    path("<str:number>/<str:name>", ReleaseFileView.as_view(), name="api-release-file"),
]
