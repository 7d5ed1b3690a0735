"""Fetching a queued article: claim, fetch, store its text, or record why not."""

import functools
import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from sources.canonical import url_host
from sources.choices import ArticleStatus
from sources.content import page_extract
from sources.fetch import FetchFailed, FetchRefused, FetchTransient, fetch
from sources.models import Article
from sources.services import leases
from sources.services.articles import bulk_count, text_store
from sources.services.common import MAX_ERROR_LENGTH, fetch_config
from sources.services.leases import MAX_LEASE_LAPSES, gave_up_error
from sources.services.outlets import outlet_for_host

logger = logging.getLogger(__name__)


def _finish(article: Article, token: int, *, status: str, error: str, fields: dict | None = None) -> bool:
    """Record a final outcome other than stored text, if this worker still holds the row."""
    with transaction.atomic():
        updated = (
            Article.objects.filter(pk=article.pk, status=ArticleStatus.FETCHING, attempts=token).update(
                status=status,
                error=error[:MAX_ERROR_LENGTH],
                lease_expires_at=None,
                updated_at=timezone.now(),
                **(fields or {}),
            )
            == 1
        )
        if updated:
            bulk_count(article.bulk_job_id, "failed")
    return updated


def article_fetch_and_store(
    *, article_id: int, final_attempt: bool = True, takeover: bool = False, send_extract: bool = True
) -> str | None:
    """Fetch a queued article's page and store its main text; returns the status it ended in.

    Raises ``FetchTransient`` (after putting the row back in the queue) when the error may go
    away and this is not the final attempt, so the task retries with backoff. Does nothing
    (returns None) when the row is not queued, or is being fetched by a live worker.

    ``send_extract`` False: a stored original is not sent on to extraction; the caller (the fetch
    task, in a worker that serves the extraction queue too) extracts it itself.

    ``takeover``: this task's message came back from a worker that was lost mid-task (Celery's
    redelivery, ``task_reject_on_worker_lost``), so a row still ``fetching`` was held by that dead
    worker and is taken at once instead of after its lease. Safe because results are fenced by
    ``attempts``: if the holder was alive after all, only one of the two writes its result.
    """
    now = timezone.now()
    article = _fetch_claim(article_id, now=now, takeover=takeover)
    if article is None:
        held = Q(status=ArticleStatus.FETCHING)
        if not takeover:
            held &= Q(lease_expires_at__lt=now)
        # A row taken from a lost worker counts that loss; at the last one it is given up instead.
        if Article.objects.filter(held, pk=article_id, lease_lapses__gte=MAX_LEASE_LAPSES - 1).update(
            status=ArticleStatus.FAILED, lease_expires_at=None, updated_at=now, error=gave_up_error("fetching")
        ):
            return ArticleStatus.FAILED
        return None
    token = article.attempts
    leases.hold(leases.FETCH, article_id, token)
    try:
        return _fetch_claimed(article, token, final_attempt=final_attempt, send_extract=send_extract)
    except FetchTransient:
        raise
    except (OperationalError, InterfaceError):
        # A transient database fault is not the page's fault: the row goes back to the queue (if
        # the database answers again; else its lease runs out) and the task retries.
        _requeue_after_db_fault(article, token)
        raise
    except Exception as exc:
        # A bug or an unexpected input: record it for a person to see, then fail loudly.
        logger.exception("Fetching article %s failed unexpectedly", article_id)
        _finish(article, token, status=ArticleStatus.FAILED, error=f"Internal error: {type(exc).__name__}: {exc}")
        raise
    finally:
        leases.drop(leases.FETCH, article_id)


def _fetch_claim(article_id: int, *, now, takeover: bool) -> Article | None:
    """Claim a queued row for fetching (or one a lost worker held) and return it as claimed; None if not ours.

    One UPDATE ... RETURNING written once (issue 19): the ORM built a conditional UPDATE with a
    CASE for every article, then a second statement read the row back, ~2 ms of a worker's CPU
    and a round trip per article. Same rule as before: a queued row is taken; one left
    ``fetching`` is taken once its lease has lapsed, or at once on a ``takeover``, counting the
    lapse, unless it is at its last lapse (the caller gives it up instead). ``attempts``, the
    fencing token, counts the claim.
    """
    params = {
        "id": article_id,
        "now": now,
        "until": now + timedelta(seconds=settings.INGEST_LEASE_SECONDS),
        "takeover": takeover,
        "last": MAX_LEASE_LAPSES - 1,
    }
    rows = list(Article.objects.raw(_fetch_claim_sql(), params))  # one row at most: by primary key
    return rows[0] if rows else None


@functools.cache
def _fetch_claim_sql() -> str:
    """The fetch claim's statement, returning the model's columns (built once per process)."""
    columns = ", ".join(f.column for f in Article._meta.concrete_fields)
    return f"""
UPDATE sources_article
   SET status = '{ArticleStatus.FETCHING.value}',
       attempts = attempts + 1,
       lease_lapses = CASE WHEN status = '{ArticleStatus.FETCHING.value}' THEN lease_lapses + 1 ELSE lease_lapses END,
       lease_expires_at = %(until)s,
       updated_at = %(now)s
 WHERE id = %(id)s
   AND (status = '{ArticleStatus.QUEUED.value}'
        OR (status = '{ArticleStatus.FETCHING.value}'
            AND (%(takeover)s OR lease_expires_at < %(now)s)
            AND lease_lapses < %(last)s))
RETURNING {columns}
"""  # noqa: S608 -- the model's own column names and constants, no input


def _requeue_after_db_fault(article: Article, token: int) -> None:
    # If the database stays away, the lease (no longer renewed) lapses and the sweeper takes the row.
    leases.hand_back(
        lambda: Article.objects.filter(pk=article.pk, status=ArticleStatus.FETCHING, attempts=token).update(
            status=ArticleStatus.QUEUED, lease_expires_at=None, enqueued_at=timezone.now(), updated_at=timezone.now()
        )
    )


def _fetch_claimed(article: Article, token: int, *, final_attempt: bool, send_extract: bool = True) -> str | None:
    url = article.canonical_url or article.url
    if not url:
        _finish(article, token, status=ArticleStatus.FAILED, error="The article has no URL to fetch.")
        return ArticleStatus.FAILED
    try:
        result = fetch(url, config=fetch_config(), kind="page")
    except FetchRefused as exc:
        _finish(article, token, status=ArticleStatus.REFUSED, error=exc.reason)
        return ArticleStatus.REFUSED
    except FetchFailed as exc:
        _finish(article, token, status=ArticleStatus.FAILED, error=exc.reason)
        return ArticleStatus.FAILED
    except FetchTransient as exc:
        if final_attempt:
            error = f"{exc.reason} Gave up after {article.attempts} attempts."
            _finish(article, token, status=ArticleStatus.FAILED, error=error)
            return ArticleStatus.FAILED
        Article.objects.filter(pk=article.pk, status=ArticleStatus.FETCHING, attempts=token).update(
            status=ArticleStatus.QUEUED,
            error=f"Attempt {article.attempts} failed, retrying: {exc.reason}"[:MAX_ERROR_LENGTH],
            lease_expires_at=None,
            enqueued_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise

    fields = {
        "final_url": result.url[:2000],
        # Provenance: the page as it was, so a figure can be re-checked after it changes.
        "raw_body": zlib.compress(result.body, 6),
        "raw_content_type": result.content_type[:200],
        "http_status": result.status_code,
        "fetched_at": timezone.now(),
    }
    page = page_extract(result.body, url=result.url, content_type=result.content_type, charset=result.charset)
    if page is None:
        error = "No readable article text was found on the page."
        _finish(article, token, status=ArticleStatus.FAILED, error=error, fields=fields)
        return ArticleStatus.FAILED
    fields.update(
        title=page.title or article.title,
        published_at=page.published_at or article.published_at,
        language=page.language,
    )
    # No transaction around both: finding (or creating) the outlet is idempotent and stands on
    # its own, and text_store writes the row, the bulk count and the extraction message in one
    # short transaction of its own; wrapping both cost two more round trips per article.
    if article.outlet_id is None:
        fields["outlet"] = outlet_for_host(host=url_host(result.url), site_name=page.site_name)
    fence = Q(status=ArticleStatus.FETCHING, attempts=token)
    return text_store(article=article, text=page.text, fields=fields, fence=fence, extract=send_extract)


def article_raw_body(article: Article) -> bytes:
    """The response body as fetched (decompressed), or b"" when none was kept."""
    return zlib.decompress(bytes(article.raw_body)) if article.raw_body else b""
