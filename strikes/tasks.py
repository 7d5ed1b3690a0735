"""Celery tasks of the strikes app: thin wrappers calling one service."""

from celery import shared_task
from django.conf import settings


@shared_task(name="strikes.tasks.asof_snapshot_take")
def asof_snapshot_take() -> int:
    """Store a snapshot of the map/timeline summaries at the moment ``LAG`` ago (for fast
    ``as_of`` answers near it), then keep the ``ASOF_SNAPSHOT_KEEP`` latest (default 14: each is
    ~0.2 GB at a million attacks).
    Meant for beat, e.g. daily; idempotent for a moment already stored."""
    from strikes.asof_snapshots import snapshot_take, snapshots_prune

    snapshot_id = snapshot_take()
    snapshots_prune(keep=settings.ASOF_SNAPSHOT_KEEP)
    return snapshot_id


@shared_task(name="strikes.tasks.export_days_build")
def export_days_build() -> int:
    """Build the stored GeoJSON days a bulk write left stale (until then their downloads are
    read from the per-attack lines: the same bytes, slower); returns how many days. Meant for
    beat, every ``EXPORT_DAYS_SECONDS``; nothing to do is one small read. Then removes this
    machine's files of pieces no longer stored (``strikes.api.export_cache.prune``), when the
    worker shares the web server's ``EXPORT_CACHE_DIR``."""
    from django.db import connection

    from strikes.api import export_cache
    from strikes.api.export_days import stale_days_build

    built = stale_days_build()
    with connection.cursor() as cursor:
        export_cache.prune(cursor)
    return built
