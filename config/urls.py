"""Top-level URLs: the pages of each app, the admin, and the versioned API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("strikes.api.urls")),
    path("", include("sources.api.urls")),
    path("", include("casualties.api.urls")),
    path("releases/", include("releases.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    # The split view serves Swagger UI's set-up as a script file: no inline script on the page.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("sources.urls")),
    path("", include("casualties.urls")),
    path("", include("linking.urls")),
    path("", include("strikes.urls")),
    path("", include("watch.urls")),
]

handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"
handler500 = "config.errors.server_error"
