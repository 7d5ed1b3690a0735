"""Page routes for the strikes app."""

urlpatterns = []
