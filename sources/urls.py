"""Page routes for the sources app."""

urlpatterns = []
