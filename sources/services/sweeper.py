"""The sweeper: re-send work whose task message was lost."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import ChannelError

from config.history import history_context
from sources.choices import ArticleStatus
from sources.models import Article
from sources.services.common import extraction_available, send_extract, send_fetch
from sources.services.leases import MAX_LEASE_LAPSES, gave_up_error
from sources.services.linking_state import article_extraction_release

logger = logging.getLogger(__name__)

# Set in the broker's Redis database by the sweeper. Redis restarted without its data (or
# emptied) loses every queued message, and this key with them: its absence tells the next sweep
# to send every queued row and every unextracted text again at once, instead of after
# INGEST_REQUEUE_SECONDS. Only rows are re-sent, and every task claims its row first, so a
# message that was not lost after all (the key was missing for another reason) changes nothing.
BROKER_MARKER = "strikewatch:ingest:broker-marker"


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
    except ChannelError as exc:
        if "NOT_FOUND" in str(exc):
            # Redis keeps no key for an empty queue, and kombu calls that "no queue": nothing waits.
            return 0
        logger.warning("Could not measure the %s queue", queue, exc_info=True)
        return None
    except Exception:  # no broker, or one that cannot count: the caller assumes messages may be lost
        logger.warning("Could not measure the %s queue", queue, exc_info=True)
        return None


def _broker_redis():
    """A client for the broker's Redis database, or None when the broker is not Redis (or eager)."""
    from config.celery import app

    url = app.conf.broker_url or ""
    if app.conf.task_always_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def broker_emptied() -> bool:
    """True when the broker lost its data since the last sweep (its marker key is gone).

    False when it cannot say (no Redis broker, or Redis not answering: then nothing can be sent
    anyway, and the marker is checked again next sweep).
    """
    client = _broker_redis()
    if client is None:
        return False
    try:
        return not client.exists(BROKER_MARKER)
    except Exception:
        logger.warning("Could not read the broker marker", exc_info=True)
        return False
    finally:
        client.close()


def broker_mark() -> None:
    """Set the marker once every lost message was sent again (see ``BROKER_MARKER``)."""
    client = _broker_redis()
    if client is None:
        return
    try:
        client.set(BROKER_MARKER, timezone.now().isoformat())
    except Exception:
        logger.warning("Could not set the broker marker", exc_info=True)
    finally:
        client.close()


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
    # Read before the rows: a message sent after this check reached the broker as it is now.
    emptied = broker_emptied()
    lapsed = Article.objects.fetch_lease_expired(now)
    # Each lapse counts; the one that reaches MAX_LEASE_LAPSES gives the row up.
    given_up = lapsed.filter(lease_lapses__gte=MAX_LEASE_LAPSES - 1).update(
        status=ArticleStatus.FAILED, lease_expires_at=None, updated_at=now, error=gave_up_error("fetching")
    )
    expired = list(lapsed.values_list("pk", flat=True)[:batch])
    if expired:
        Article.objects.filter(pk__in=expired, status=ArticleStatus.FETCHING, lease_expires_at__lt=now).update(
            status=ArticleStatus.QUEUED,
            lease_expires_at=None,
            lease_lapses=F("lease_lapses") + 1,
            enqueued_at=now,
            updated_at=now,
            error="The worker fetching this stopped before finishing; queued again.",
        )
    backlog = fetch_backlog()
    if emptied:
        # Every queued message is gone: all of them, whatever their age or the backlog (which
        # only counts what was sent since), not a batch.
        stale = list(Article.objects.queued_since(now).values_list("pk", flat=True))
    elif backlog:
        stale = []
    else:
        stale = list(Article.objects.queued_since(before).values_list("pk", flat=True)[:batch])
    if stale:
        Article.objects.filter(pk__in=stale, status=ArticleStatus.QUEUED).update(enqueued_at=now)
    send_fetch(expired + stale)
    unextracted: list[int] = []
    extraction_given_up = 0
    if extraction_available():
        # An extraction claims its row fetched -> extracting; one whose worker died (its lease lapsed)
        # is handed back, or given up at its last lapse.
        dead, extraction_given_up = article_extraction_release(now=now, batch=batch)
        for pk in dead:
            send_extract(pk)
        # Bounded to a day so an article extraction keeps failing on is not re-sent forever.
        since = now - timedelta(days=1)
        waiting = Article.objects.awaiting_extraction_since(now if emptied else before).filter(updated_at__gte=since)
        unextracted = list(waiting.exclude(pk__in=dead).values_list("pk", flat=True)[: None if emptied else batch])
        if unextracted:
            Article.objects.filter(pk__in=unextracted).update(updated_at=now)
        for pk in unextracted:
            send_extract(pk)
        unextracted += dead
    if emptied:
        # After the sends are queued to go out on commit: the marker says "resent", so it must
        # not be set if this sweep's transaction fails.
        transaction.on_commit(broker_mark, robust=True)
    return {
        "given_up": given_up + extraction_given_up,
        "lease_expired": len(expired),
        "requeued": len(stale),
        "extraction_resent": len(unextracted),
        "fetch_backlog": backlog or 0,
        "broker_emptied": int(emptied),
    }


def article_retry(*, article: Article, by) -> Article:
    """An analyst asks again for an article that failed: its fetch, or its extraction if it has text.

    Attempts start again from zero. Anything but a failed article is left as it is.
    """
    now = timezone.now()
    with history_context(by, "article_retry"), transaction.atomic():
        rows = Article.objects.filter(pk=article.pk, status=ArticleStatus.FAILED)
        if article.text:
            if rows.update(
                status=ArticleStatus.FETCHED, error="", lease_lapses=0, lease_expires_at=None, updated_at=now
            ):
                send_extract(article.pk)
        elif rows.update(
            status=ArticleStatus.QUEUED,
            error="",
            attempts=0,
            lease_lapses=0,
            lease_expires_at=None,
            enqueued_at=now,
            updated_at=now,
        ):
            send_fetch([article.pk])
    article.refresh_from_db()
    return article
