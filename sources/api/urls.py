"""API routes for the sources app (under /api/v1/).

Route names carry an ``api-`` prefix: the page names (``article-detail``) belong to the pages.
"""

from rest_framework.routers import SimpleRouter

from sources.api.views import ArticleViewSet, FeedViewSet, OutletViewSet

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="api-article")
router.register("outlets", OutletViewSet, basename="api-outlet")
router.register("feeds", FeedViewSet, basename="api-feed")
urlpatterns = router.urls
