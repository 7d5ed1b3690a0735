"""Shared by the services: fetch limits, history context, and sending tasks after commit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from sources.canonical import InvalidURL, url_canonical
from sources.fetch import FetchConfig

MAX_ERROR_LENGTH = 2000


def fetch_config() -> FetchConfig:
    """The fetch limits from the INGEST_* settings (read at call time, so tests can change them)."""
    return FetchConfig(
        allowed_hosts=tuple(settings.INGEST_ALLOWED_HOSTS),
        max_bytes=settings.INGEST_MAX_BYTES,
        connect_timeout=settings.INGEST_CONNECT_TIMEOUT,
        read_timeout=settings.INGEST_READ_TIMEOUT,
        total_timeout=settings.INGEST_TOTAL_TIMEOUT,
        max_redirects=settings.INGEST_MAX_REDIRECTS,
        user_agent=settings.INGEST_USER_AGENT,
    )


def extraction_available() -> bool:
    """True when stored articles are sent on to extraction (the INGEST_RUN_EXTRACTION setting)."""
    return settings.INGEST_RUN_EXTRACTION


# --- Sending tasks (always after commit) ---


def send_fetch(article_ids: list[int]) -> None:
    if not article_ids:
        return

    def send():
        from sources.tasks import article_fetch

        for pk in article_ids:
            article_fetch.delay(pk)

    # robust: the rows are committed; if the broker is down, the sweeper sends them later.
    transaction.on_commit(send, robust=True)


# The extraction task belongs to the linking app, a layer above this one: it is named, not
# imported. A signature by name runs the registered task (eagerly too, in tests and `make run`)
# and is a plain send_task where the task is not registered, as in a fetch-only process.
EXTRACT_TASK = "linking.tasks.article_extract"


def send_extract(article_id: int) -> None:
    if not extraction_available():
        return

    def send():
        from config.celery import app

        app.signature(EXTRACT_TASK, args=(article_id,)).apply_async()

    transaction.on_commit(send, robust=True)


def send_feed_poll(feed_id: int) -> None:
    def send():
        from sources.tasks import feed_poll

        feed_poll.delay(feed_id)

    transaction.on_commit(send, robust=True)


def canonical_or_error(url, field_name: str = "url") -> str:
    """The canonical URL, or a ValidationError on ``field_name`` saying what is wrong with it."""
    try:
        return url_canonical(url)
    except InvalidURL as exc:
        raise ValidationError({field_name: str(exc)}) from None
