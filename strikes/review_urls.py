"""Routes of the article review screen (extraction and linking)."""

urlpatterns = []
