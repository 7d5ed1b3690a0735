"""Page routes for the casualties app."""

urlpatterns = []
