"""Admin for the sources app: outlets, feeds, articles and bulk URL jobs.

Articles can number in the millions: the list never counts every row, foreign keys
are raw ids or autocompletes, and the fetched response body is shown read-only by
size (it is provenance, never edited, and can be megabytes).
"""

from django.contrib import admin

from config.admin import EstimatedCountPaginator
from sources.models import Article, BulkJob, Feed, Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "grade", "country"]
    list_filter = ["grade", "country"]
    search_fields = ["name", "domain"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "outlet",
        "is_active",
        "poll_interval_minutes",
        "last_polled_at",
        "next_poll_at",
        "last_status_code",
        "articles_created",
    ]
    list_filter = ["is_active", "last_status_code"]
    search_fields = ["url", "title", "outlet__name"]
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet"]
    # Kept by the poller (conditional GET state and counters), shown for diagnosis.
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_status_code",
        "last_error",
        "items_seen",
        "articles_created",
        "created_at",
        "updated_at",
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "short_title", "outlet", "published_at", "status", "origin", "review_state", "attack_id"]
    list_filter = ["status", "origin", "review_state", "language", "outlet__grade"]
    search_fields = ["=id", "=canonical_url", "=url", "title"]
    search_help_text = "An article id, its exact URL, or words of its title."
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet"]
    raw_id_fields = ["attack", "feed", "duplicate_of", "bulk_job", "submitted_by"]
    readonly_fields = [
        "raw_body_size",
        "raw_content_type",
        "http_status",
        "fetched_at",
        "content_hash",
        "attempts",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    @admin.display(description="title")
    def short_title(self, article):
        title = article.title or article.canonical_url or ""
        return title if len(title) <= 90 else title[:89] + "…"

    @admin.display(description="raw body (zlib-compressed)")
    def raw_body_size(self, article):
        size = len(article.raw_body) if article.raw_body is not None else 0
        return f"{size:,} bytes" if size else "—"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():  # an id, without also scanning every title for the digits
            return queryset.filter(pk=int(term)), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        # The list never needs the text or the raw body: leave megabytes in the database.
        return super().get_queryset(request).defer("text", "raw_body", "report")


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "submitted_by", "total", "new", "duplicate", "failed", "created_at"]
    search_fields = ["name"]
    list_select_related = ["submitted_by"]
    raw_id_fields = ["submitted_by"]
    readonly_fields = ["total", "new", "duplicate", "failed", "created_at", "updated_at"]
