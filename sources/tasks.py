"""Celery tasks of the ingest pipeline: thin wrappers taking ids and calling one service.

Routing (config/settings.py): ``feed_*`` to the ``feeds`` queue, ``article_fetch`` to
``fetch``. A stored article goes on to ``linking.tasks.article_extract`` (the ``extract``
queue), sent by name from ``sources.services.common.send_extract``. Every task is idempotent:
it claims its row with a conditional UPDATE, so a re-delivered or duplicated message changes
nothing.
"""

import logging
import random

from celery import shared_task, signals
from django.conf import settings
from django.db import InterfaceError, OperationalError

from sources.fetch import FetchTransient

logger = logging.getLogger(__name__)


# A database fault (a dropped connection, a server restarting) is retried sooner than a page's
# error, and for longer: it is not the page's, and the row was handed back to the queue for it.
DB_FAULT_RETRIES = 10
DB_FAULT_MAX_COUNTDOWN = 60


@shared_task(
    bind=True,
    autoretry_for=(FetchTransient,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def article_fetch(self, article_id: int) -> str | None:
    """Fetch one article; transient network errors retry with backoff, then the row records ``failed``.

    In a worker that also serves the extraction queue, a stored original is extracted here, in
    the same task, instead of through a message this worker would send to itself (see
    ``extraction_task_here``).
    """
    from sources.services import article_fetch_and_store

    extract_task = extraction_task_here(self)
    try:
        status = article_fetch_and_store(
            article_id=article_id,
            final_attempt=self.request.retries >= self.max_retries,
            takeover=redelivered(self.request),
            send_extract=extract_task is None,
        )
        if extract_task is not None and _left_to_extract(article_id, status):
            extract_task(article_id)
        return status
    except (OperationalError, InterfaceError) as exc:
        countdown = db_fault_countdown(self.request.retries)
        raise self.retry(exc=exc, countdown=countdown, max_retries=DB_FAULT_RETRIES) from exc


def extraction_task_here(task):
    """The extraction task, when ``task`` runs in a Celery worker that consumes its queue; else None.

    Such a worker would send each stored article's extraction as a message to its own queue and
    take it back: a second task per article (publishing, receiving, handing it to the pool
    process, acknowledging), ~8 ms of the worker's CPU on the bench's two workers. Extracting in
    the fetch task instead changes nothing that is kept: the fetch message is acknowledged only
    after the extraction (``acks_late``), so a worker lost in between has the fetch message
    delivered again, and that run extracts the stored text (``_left_to_extract``; a row the lost
    worker left ``extracting`` is taken once its lease lapses, 20 s, where a redelivered
    extraction message took it at once: within the recovery test's minute). Workers that
    do not serve the extraction queue, eager runs (tests, ``make run`` without Redis) and a
    switched-off extraction send the message as before.
    """
    from sources.services import EXTRACT_TASK, extraction_available

    if task.request.called_directly or task.request.is_eager or not extraction_available():
        return None
    route = settings.CELERY_TASK_ROUTES.get(EXTRACT_TASK, {})
    queue = route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
    if queue not in (task.app.amqp.queues.consume_from or {}):
        return None
    return task.app.tasks.get(EXTRACT_TASK)


def _left_to_extract(article_id: int, status: str | None) -> bool:
    """Whether the fetch task should extract the article now: its text was just stored as an
    original, or (``status`` None: the message came again, the row was not ours to fetch) the row
    holds a stored original not yet extracted, or one whose extraction a lost worker left."""
    from sources.choices import ArticleStatus
    from sources.models import Article

    if status is None:
        busy = (ArticleStatus.FETCHED, ArticleStatus.EXTRACTING)
        return Article.objects.filter(pk=article_id, status__in=busy).exists()
    return status == ArticleStatus.FETCHED


def db_fault_countdown(retries: int) -> float:
    """About 1, 2, 4 ... s (at most a minute), jittered so the workers do not all come back at once."""
    return random.uniform(0.5, 1.0) * min(2**retries, DB_FAULT_MAX_COUNTDOWN)  # noqa: S311 (jitter, not a secret)


def redelivered(request) -> bool:
    """Whether this message came back from a worker that was lost while it ran it.

    With ``acks_late`` and ``task_reject_on_worker_lost``, a pool child that dies mid-task has its
    message handed back at once, marked redelivered (Redis also marks messages it restores after
    its visibility timeout). The row such a message finds ``fetching``/``extracting`` was held by
    the lost worker, so the task takes it over instead of waiting out the lease; the result is
    fenced, so if the holder was alive after all only one result is kept.
    """
    return bool((request.delivery_info or {}).get("redelivered"))


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


# Beat sends this every INGEST_SWEEP_SECONDS. If the worker running it dies, the next one is
# already on its way: no redelivery (nor retry) wanted, which a plain (early-acked) task gives.
@shared_task(acks_late=False)
def articles_requeue_stale() -> dict:
    """Beat: re-send work whose message was lost (killed worker, broker restart)."""
    from sources.services import articles_requeue_stale as requeue

    return requeue()


@signals.worker_init.connect
def worker_warm_up(**kwargs) -> None:
    """Load the page reader's word lists (~0.4 s) once per worker, before its pool starts.

    Runs in the worker's main process, so prefork children inherit them instead of the first
    article paying. No database is touched.
    """
    from sources.content import warm_up

    try:
        warm_up()
    except Exception:  # a worker must start even when, say, the database is not migrated yet
        logger.warning("Page reader warm-up failed; the first article will pay for it.", exc_info=True)
