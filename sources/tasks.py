"""Celery tasks of the ingest pipeline: thin wrappers taking ids and calling one service.

Routing (config/settings.py): ``feed_*`` to the ``feeds`` queue, ``article_fetch`` to
``fetch``, ``article_extract`` to ``extract``. Every task is idempotent: it claims its row
with a conditional UPDATE, so a re-delivered or duplicated message changes nothing.
"""

import logging

from celery import shared_task

from sources.fetch import FetchTransient

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(FetchTransient,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def article_fetch(self, article_id: int) -> str | None:
    """Fetch one article; transient network errors retry with backoff, then the row records ``failed``."""
    from sources.services import article_fetch_and_store

    return article_fetch_and_store(article_id=article_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task
def article_extract(article_id: int) -> None:
    """Run extraction and linking on a stored article (``linking.services``, when installed)."""
    from sources.services import extraction_available

    if not extraction_available():
        logger.info("Extraction is not installed or is switched off; article %s stays fetched.", article_id)
        return
    from linking.services import article_process

    article_process(article_id=article_id)


@shared_task
def feed_poll(feed_id: int) -> int:
    """Poll one feed if it is due; returns how many new articles it queued."""
    from sources.services import feed_poll as feed_poll_service

    return len(feed_poll_service(feed_id=feed_id).created_ids)


@shared_task
def feeds_poll_due() -> int:
    """Beat, every minute: send a poll for each feed whose interval has passed."""
    from sources.services import feeds_poll_due as feeds_poll_due_service

    return len(feeds_poll_due_service())


@shared_task
def articles_requeue_stale() -> dict:
    """Beat: re-send work whose message was lost (killed worker, broker restart)."""
    from sources.services import articles_requeue_stale as requeue

    return requeue()


def worker_warm_up() -> None:
    """Load, once per worker process, what the first article would otherwise wait for.

    The page reader's word lists and, when extraction runs, the gazetteer built from the Place
    and Munition tables (~0.4 s each). Called when a worker starts (config/celery.py); a
    failure (no database yet) only means the first article pays instead.
    """
    from sources.content import warm_up
    from sources.services import extraction_available

    warm_up()
    if extraction_available():
        from linking.services import db_gazetteer

        db_gazetteer()
