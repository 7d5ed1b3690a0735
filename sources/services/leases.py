"""Lease heartbeats: a claim stays short, and is renewed while its work runs.

A fetch or an extraction claims its row with a lease (``INGEST_LEASE_SECONDS``, 20 s). A lease
that long would be cut short by a slow page or a long extraction, so while a worker holds a row
one thread per worker process renews the lease every ``INGEST_LEASE_SECONDS / 4`` seconds. A
worker that dies stops renewing, and its rows are free again within one lease instead of the
five minutes a lease had to last when nothing renewed it.

Each renewal is fenced like the result it protects: a fetch by ``attempts``, an extraction by
``lease_lapses``, so a worker that lost its row never extends the lease of the one that took it.
"""

import logging
import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

FETCH = "fetch"
EXTRACT = "extract"

# A row whose worker was lost this many times (its lease lapsed, or its message came back from a
# dead worker) is given up: a page that kills its worker (memory, a parser crash) would otherwise
# be retried forever. An analyst can still ask for it again (``article_retry``).
MAX_LEASE_LAPSES = 3


def gave_up_error(doing: str) -> str:
    """What a row given up after MAX_LEASE_LAPSES says, ``doing`` being "fetching" or "extracting"."""
    return (
        f"Gave up after {MAX_LEASE_LAPSES} attempts: the worker {doing} this stopped before finishing "
        "each time (the page may crash or exhaust it). An analyst can retry it."
    )


_lock = threading.Lock()
_held: dict[tuple[str, int], int] = {}  # (kind, article id) -> fencing token
_thread: threading.Thread | None = None
_thread_pid: int | None = None


def hold(kind: str, article_id: int, token: int) -> None:
    """Renew this row's lease while this process works on it (until ``drop``)."""
    with _lock:
        _held[(kind, article_id)] = token
    # A claim made inside a caller's transaction (a test, an eager task in a request) is not
    # visible to the heartbeat's own connection, and nobody else can take it before it commits:
    # nothing to renew, and a renewal would only wait on the caller's row lock.
    if not connection.in_atomic_block:
        _ensure_thread()


def drop(kind: str, article_id: int) -> None:
    with _lock:
        _held.pop((kind, article_id), None)


def token(kind: str, article_id: int) -> int | None:
    """The fencing token this process holds the row with, or None."""
    with _lock:
        return _held.get((kind, article_id))


def hand_back(write) -> bool:
    """Run ``write`` (a row handed back after a database fault), retrying for a few seconds.

    The fault that made the caller give the row back often outlasts one reconnection (a server
    restarting, or every connection dropped more than once): a row handed back on the second or
    third try is retried by its task at once, where one left held waits for its lease to lapse.
    Inside a caller's transaction there is nothing to retry: one try. Returns whether it was written.
    """
    delay = 0.25
    for _ in range(5):
        try:
            if not connection.in_atomic_block:  # a broken connection is replaced; a caller's transaction is left alone
                connection.close_if_unusable_or_obsolete()
            write()
            return True
        except DatabaseError:
            if connection.in_atomic_block:
                return False
            time.sleep(delay)
            delay *= 2
    return False


def interval() -> float:
    return max(settings.INGEST_LEASE_SECONDS / 4, 0.5)


def _ensure_thread() -> None:
    global _thread, _thread_pid
    with _lock:
        # A prefork child does not inherit its parent's threads: one heartbeat per process.
        if _thread is not None and _thread.is_alive() and _thread_pid == os.getpid():
            return
        _thread = threading.Thread(target=_run, name="ingest-lease-heartbeat", daemon=True)
        _thread_pid = os.getpid()
        _thread.start()


def _run() -> None:
    while True:
        time.sleep(interval())
        with _lock:
            held = list(_held.items())
        if not held:
            continue
        try:
            renew(held)
        except DatabaseError:
            # The database is away (a dropped connection, a restart): the next beat tries again,
            # and if it stays away past the lease the row is taken over, fenced, as for a dead worker.
            logger.warning("Could not renew %s ingest lease(s)", len(held), exc_info=True)
        finally:
            # Closed after each beat: an idle connection per worker process costs the server a
            # backend, and one left open would keep a test database from being dropped.
            connections.close_all()


def renew(held: list[tuple[tuple[str, int], int]]) -> int:
    """Push the lease of every held row forward; returns how many were still ours."""
    from sources.choices import ArticleStatus
    from sources.models import Article

    until = timezone.now() + timedelta(seconds=settings.INGEST_LEASE_SECONDS)
    renewed = 0
    for (kind, article_id), fence in held:
        rows = Article.objects.filter(pk=article_id)
        if kind == FETCH:
            rows = rows.filter(status=ArticleStatus.FETCHING, attempts=fence)
        else:
            rows = rows.filter(status=ArticleStatus.EXTRACTING, lease_lapses=fence)
        renewed += rows.update(lease_expires_at=until)
    return renewed
