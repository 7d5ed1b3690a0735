"""API routes for the strikes app (under /api/v1/).

Route names carry an ``api-`` prefix: the page names (``attack-detail``...) belong to the pages.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from strikes.api.changes import ChangesView, TokenView
from strikes.api.facets import FacetsView
from strikes.api.map import MapView
from strikes.api.root import ApiRootView
from strikes.api.timeline import TimelineView
from strikes.api.views import AttackViewSet, MunitionViewSet, PlaceViewSet, WaveViewSet
from strikes.api.weapons import WeaponsView

router = SimpleRouter()
router.register("attacks", AttackViewSet, basename="api-attack")
router.register("places", PlaceViewSet, basename="api-place")
router.register("munitions", MunitionViewSet, basename="api-munition")
router.register("waves", WaveViewSet, basename="api-wave")

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),  # /api/v1/ itself
    *router.urls,
    path("timeline/", TimelineView.as_view(), name="api-timeline"),
    path("map/", MapView.as_view(), name="api-map"),
    path("facets/", FacetsView.as_view(), name="api-facets"),  # counts beside the explore page's choices
    path("weapons/", WeaponsView.as_view(), name="api-weapons"),
    path("changes/", ChangesView.as_view(), name="api-changes"),
    path("token/", TokenView.as_view(), name="api-token"),
]
