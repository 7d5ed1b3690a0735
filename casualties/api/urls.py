"""API routes for the casualties app: /api/v1/claims/ and /api/v1/decisions/."""

from rest_framework.routers import SimpleRouter

from casualties.api.views import ClaimViewSet, DecisionViewSet

router = SimpleRouter()
router.register("claims", ClaimViewSet, basename="api-claim")
router.register("decisions", DecisionViewSet, basename="api-decision")
urlpatterns = router.urls
