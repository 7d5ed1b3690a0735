"""The Celery application.

Workers are started with ``celery -A config worker``. Settings come from Django's
settings module under the ``CELERY_`` namespace.
"""

import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("strikewatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes every database connection before and after each task unless
# this is set, so each task paid for a new PostgreSQL connection (a server process forked, the
# session configured): about a fifth of an ingest worker's time. Connections are kept instead,
# and Django's own rule decides when to drop one (below), as it does between web requests.
app.conf.update(CELERY_DB_REUSE_MAX=10_000)
# Each app's tasks module is imported before a worker starts (so before ``worker_init``); an
# app that warms something up for its tasks connects its own handler there (sources.tasks,
# linking.tasks), so this module names no app's tasks.
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(sender=None, **kwargs):
    """Drop a connection that had errors (and fails its check) or is older than CONN_MAX_AGE.

    Django's rule between web requests, minus its health check of every healthy connection
    (a ``SELECT 1`` per task): only a connection that saw an error is checked. A task run
    eagerly (inside the caller's transaction) is left alone, as the fixup leaves it.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        expired = conn.close_at is not None and time.monotonic() >= conn.close_at
        if conn.connection is not None and (conn.errors_occurred or expired):
            conn.close_if_unusable_or_obsolete()
