"""The sweeper: re-send work whose task message was lost."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.history import history_context
from sources.choices import ArticleStatus
from sources.models import Article
from sources.services.common import extraction_available, send_extract, send_fetch
from sources.services.linking_state import article_extraction_release

logger = logging.getLogger(__name__)

# A fetch whose worker died this many times (its lease lapsed each time) is given up: a page that
# kills its worker (memory, a parser crash) would otherwise be retried every lease forever. An
# analyst can still ask for it again (``article_retry``).
MAX_LEASE_LAPSES = 3


def fetch_backlog() -> int | None:
    """Messages waiting in the fetch queue, or None when the broker cannot say (or there is none)."""
    from config.celery import app

    if app.conf.task_always_eager:
        return None
    route = settings.CELERY_TASK_ROUTES.get("sources.tasks.article_fetch", {})
    queue = route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
    try:
        with app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
    except Exception:  # no broker, or one that cannot count: the caller assumes messages may be lost
        logger.warning("Could not measure the %s queue", queue, exc_info=True)
        return None


def articles_requeue_stale(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Re-send work whose task message looks lost (a killed worker, a broker restart).

    Fetches whose lease lapsed go back to the queue. Queued rows whose message was sent
    longer than INGEST_REQUEUE_SECONDS ago are sent again, but only once the fetch queue is
    empty: while messages wait there, a row still queued is explained by the backlog. Stored
    originals whose extraction never ran are sent to extraction again. Every task claims its
    row, so an extra message for work that was not lost changes nothing.
    """
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.INGEST_REQUEUE_SECONDS)
    lapsed = Article.objects.fetch_lease_expired(now)
    given_up = lapsed.filter(attempts__gte=MAX_LEASE_LAPSES).update(
        status=ArticleStatus.FAILED,
        lease_expires_at=None,
        updated_at=now,
        error=(
            f"Gave up after {MAX_LEASE_LAPSES} attempts: the worker fetching this stopped before finishing "
            "each time (the page may crash or exhaust it). An analyst can retry it."
        ),
    )
    expired = list(lapsed.values_list("pk", flat=True)[:batch])
    if expired:
        Article.objects.filter(pk__in=expired, status=ArticleStatus.FETCHING, lease_expires_at__lt=now).update(
            status=ArticleStatus.QUEUED,
            lease_expires_at=None,
            enqueued_at=now,
            updated_at=now,
            error="The worker fetching this stopped before finishing; queued again.",
        )
    backlog = fetch_backlog()
    stale = [] if backlog else list(Article.objects.queued_since(before).values_list("pk", flat=True)[:batch])
    if stale:
        Article.objects.filter(pk__in=stale, status=ArticleStatus.QUEUED).update(enqueued_at=now)
    send_fetch(expired + stale)
    unextracted: list[int] = []
    if extraction_available():
        # An extraction claims its row fetched -> extracting; one whose worker died (its lease lapsed)
        # is handed back. Rows claimed without a lease are left to the extraction code.
        dead = article_extraction_release(now=now, batch=batch)
        for pk in dead:
            send_extract(pk)
        # Bounded to a day so an article extraction keeps failing on is not re-sent forever.
        since = now - timedelta(days=1)
        unextracted = list(
            Article.objects.awaiting_extraction_since(before)
            .filter(updated_at__gte=since)
            .values_list("pk", flat=True)[:batch]
        )
        if unextracted:
            Article.objects.filter(pk__in=unextracted).update(updated_at=now)
        for pk in unextracted:
            send_extract(pk)
        unextracted += dead
    return {
        "given_up": given_up,
        "lease_expired": len(expired),
        "requeued": len(stale),
        "extraction_resent": len(unextracted),
        "fetch_backlog": backlog or 0,
    }


def article_retry(*, article: Article, by) -> Article:
    """An analyst asks again for an article that failed: its fetch, or its extraction if it has text.

    Attempts start again from zero. Anything but a failed article is left as it is.
    """
    now = timezone.now()
    with history_context(by, "article_retry"), transaction.atomic():
        rows = Article.objects.filter(pk=article.pk, status=ArticleStatus.FAILED)
        if article.text:
            if rows.update(status=ArticleStatus.FETCHED, error="", lease_expires_at=None, updated_at=now):
                send_extract(article.pk)
        elif rows.update(
            status=ArticleStatus.QUEUED, error="", attempts=0, lease_expires_at=None, enqueued_at=now, updated_at=now
        ):
            send_fetch([article.pk])
    article.refresh_from_db()
    return article
