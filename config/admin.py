"""The admin base every app's admin shares: pages for tables of millions, read-only history."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from pghistory.admin import EventModelAdmin


class EstimatedCountPaginator(Paginator):
    """Pages for tables of millions: an unfiltered list uses PostgreSQL's row estimate.

    ``count(*)`` over millions of rows takes seconds on every page view; the planner's
    estimate (``pg_class.reltuples``) is instant and close enough to number the pages.
    Filtered lists (small by nature) are counted exactly.
    """

    # Below this many rows an exact count is cheap and the estimate may be stale.
    EXACT_BELOW = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if getattr(queryset, "query", None) is not None and not queryset.query.where:
            with connection.cursor() as cursor:
                table = queryset.model._meta.db_table
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
                row = cursor.fetchone()
            if row and row[0] >= self.EXACT_BELOW:
                return int(row[0])
        return super().count


class EventAdmin(EventModelAdmin):
    """Read-only history rows (pghistory), with who did it and through which service."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "author", "service"]
    list_select_related = ["pgh_context"]
    raw_id_fields = ["pgh_obj", "pgh_context"]
    ordering = ["-pgh_created_at"]
    show_full_result_count = False

    @admin.display(description="author (user id)")
    def author(self, event):
        return (event.pgh_context.metadata or {}).get("user") if event.pgh_context_id else None

    @admin.display(description="service")
    def service(self, event):
        return (event.pgh_context.metadata or {}).get("service", "") if event.pgh_context_id else ""
