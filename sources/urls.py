"""Page routes for the sources app: the ingest page and article pages (analysts and up), and the
public page of a source."""

from django.urls import path

from sources import views

urlpatterns = [
    path("ingest/", views.ingest, name="ingest"),
    path("ingest/recent/", views.ingest_recent, name="ingest-recent"),
    path("ingest/url/", views.submit_url, name="ingest-url"),
    path("ingest/text/", views.submit_text, name="ingest-text"),
    path("ingest/bulk/", views.submit_bulk, name="ingest-bulk"),
    path("ingest/bulk/<int:pk>/", views.bulk_job_progress, name="bulk-job-progress"),
    path("ingest/feeds/", views.feed_add, name="feed-add"),
    path("ingest/feeds/<int:pk>/toggle/", views.feed_toggle, name="feed-toggle"),
    path("ingest/feeds/<int:pk>/poll/", views.feed_poll, name="feed-poll"),
    path("ingest/articles/<int:pk>/", views.article_detail, name="article-detail"),
    # Public: a source of published attacks, as visitors read it.
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("ingest/articles/<int:pk>/retry/", views.article_retry_view, name="article-retry"),
    path("ingest/articles/<int:pk>/status/", views.article_status, name="article-status"),
]
