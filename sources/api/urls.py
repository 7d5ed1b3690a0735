"""API routes for the sources app."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = router.urls
