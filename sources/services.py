"""Writes for the sources app: URLs and texts in, fetched articles, feeds, bulk jobs.

Exactly once, by natural key: an article is unique by canonical URL, and its text by
content hash (a second copy is stored as a duplicate pointing at the first). Work is
claimed with conditional UPDATEs and fenced by ``Article.attempts``, so two workers (or
a re-delivered task) never both write a result. Tasks are sent after commit; the
sweeper (``articles_requeue_stale``) re-sends work whose message was lost.

Services called for a person take ``by`` and record it in the history context; the
fetch and poll services run for the system and write no tracked models.
"""

import importlib.util
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from sources.canonical import InvalidURL, line_clean, text_hash, url_canonical, url_host
from sources.choices import ArticleOrigin, ArticleStatus
from sources.content import page_extract, text_from_paste
from sources.feeds import FeedItem, feed_parse
from sources.fetch import FetchConfig, FetchError, FetchFailed, FetchRefused, FetchTransient, fetch
from sources.models import Article, BulkJob, Feed, Outlet

logger = logging.getLogger(__name__)

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


def _context(by, service: str):
    return pghistory.context(user=by.pk if by else None, service=service)


def extraction_available() -> bool:
    """True once ``strikes.linking`` (the extraction issue) is installed and enabled."""
    return settings.INGEST_RUN_EXTRACTION and importlib.util.find_spec("strikes.linking") is not None


# --- Sending tasks (always after commit) ---


def _send_fetch(article_ids: list[int]) -> None:
    if not article_ids:
        return

    def send():
        from sources.tasks import article_fetch

        for pk in article_ids:
            article_fetch.delay(pk)

    # robust: the rows are committed; if the broker is down, the sweeper sends them later.
    transaction.on_commit(send, robust=True)


def _send_extract(article_id: int) -> None:
    if not settings.INGEST_RUN_EXTRACTION:
        return

    def send():
        from sources.tasks import article_extract

        article_extract.delay(article_id)

    transaction.on_commit(send, robust=True)


def _send_feed_poll(feed_id: int) -> None:
    def send():
        from sources.tasks import feed_poll

        feed_poll.delay(feed_id)

    transaction.on_commit(send, robust=True)


# --- Outlets ---


def outlet_for_host(*, host: str, site_name: str = "") -> Outlet | None:
    """The outlet publishing under ``host`` (``www.`` ignored), created from the site's name if new."""
    domain = host.lower().strip().rstrip(".")
    domain = domain[4:] if domain.startswith("www.") else domain
    if not domain:
        return None
    name = line_clean(site_name)[:200] or domain
    outlet = Outlet.objects.for_domain(domain).first()
    if outlet is not None:
        if outlet.name == domain and name != domain and not Outlet.objects.filter(name=name).exists():
            # First seen from a feed or a bare URL; the site has told us its real name since.
            try:
                with transaction.atomic():
                    Outlet.objects.filter(pk=outlet.pk, name=domain).update(name=name, updated_at=timezone.now())
                outlet.name = name
            except IntegrityError:
                pass
        return outlet
    # An outlet an editor entered by name without a domain is the same publisher: adopt it.
    with transaction.atomic():
        adopted = Outlet.objects.filter(name__iexact=name, domain="").order_by("pk").first()
        if adopted is not None:
            Outlet.objects.filter(pk=adopted.pk).update(domain=domain, updated_at=timezone.now())
            adopted.domain = domain
            return adopted
    for candidate in dict.fromkeys([name, f"{name} ({domain})"[:200], domain]):
        try:
            with transaction.atomic():
                return Outlet.objects.create(domain=domain, name=candidate)
        except IntegrityError:
            # Either another worker created this domain just now, or another outlet has the name.
            existing = Outlet.objects.for_domain(domain).first()
            if existing is not None:
                return existing
    return Outlet.objects.for_domain(domain).first()


def outlet_for_name(*, name: str) -> Outlet | None:
    """The outlet called ``name`` (case-insensitive), created when new."""
    name = line_clean(name)[:200]
    if not name:
        return None
    outlet = Outlet.objects.filter(name__iexact=name).order_by("pk").first()
    if outlet is not None:
        return outlet
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name)
    except IntegrityError:
        return Outlet.objects.filter(name__iexact=name).order_by("pk").first()


# --- Submitting URLs ---


def _canonical_or_error(url, field_name: str = "url") -> str:
    try:
        return url_canonical(url)
    except InvalidURL as exc:
        raise ValidationError({field_name: str(exc)}) from None


def article_submit_url(
    *,
    url: str,
    by=None,
    origin: str = ArticleOrigin.URL,
    feed: Feed | None = None,
    bulk_job: BulkJob | None = None,
    title: str = "",
    published_at: datetime | None = None,
) -> tuple[Article, bool]:
    """Record a URL to fetch, once per canonical URL; returns (article, created). Fetch sent after commit.

    A known URL whose fetch failed is fetched again when a person (``by``) submits it again.
    """
    canonical = _canonical_or_error(url)
    now = timezone.now()
    with _context(by, "article_submit_url"), transaction.atomic():
        article, created = Article.objects.get_or_create(
            canonical_url=canonical,
            defaults={
                "url": url.strip(),
                "origin": origin,
                "feed": feed,
                "bulk_job": bulk_job,
                "submitted_by": by,
                "title": line_clean(title)[:1000],
                "published_at": published_at,
                "status": ArticleStatus.QUEUED,
                "enqueued_at": now,
            },
        )
        if created:
            _send_fetch([article.pk])
        elif bulk_job is not None:
            BulkJob.objects.filter(pk=bulk_job.pk).update(duplicate=F("duplicate") + 1, updated_at=now)
        elif by is not None and article.status == ArticleStatus.FAILED:
            # A person submitting a URL whose fetch failed (an outage, a page since restored) means
            # "try again"; feeds re-listing an item do not, or a dead link would be fetched forever.
            retried = Article.objects.filter(pk=article.pk, status=ArticleStatus.FAILED).update(
                status=ArticleStatus.QUEUED, error="", enqueued_at=now, updated_at=now
            )
            if retried:
                article.status, article.error = ArticleStatus.QUEUED, ""
                _send_fetch([article.pk])
    return article, created


@dataclass
class SubmitSummary:
    """What happened to a list of URLs: created rows, already-known URLs, and unusable lines."""

    created_ids: list[int] = field(default_factory=list)
    known: int = 0
    repeats: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)


def articles_submit_urls(
    *,
    items: Iterable[FeedItem],
    origin: str,
    by=None,
    feed: Feed | None = None,
    bulk_job: BulkJob | None = None,
    enqueue: bool = True,
) -> SubmitSummary:
    """Record many URLs at once (feed items, bulk lists): a few queries for any number of URLs."""
    summary = SubmitSummary()
    wanted: dict[str, FeedItem] = {}
    for item in items:
        try:
            canonical = url_canonical(item.url)
        except InvalidURL as exc:
            summary.invalid.append((item.url, str(exc)))
            continue
        if canonical in wanted:
            summary.repeats += 1
            continue
        wanted[canonical] = item
    now = timezone.now()
    with transaction.atomic():
        known: set[str] = set()
        keys = list(wanted)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            known.update(Article.objects.filter(canonical_url__in=chunk).values_list("canonical_url", flat=True))
        rows = [
            Article(
                url=item.url.strip()[:2000],
                canonical_url=canonical,
                origin=origin,
                feed=feed,
                bulk_job=bulk_job,
                submitted_by=by,
                title=item.title[:1000],
                published_at=item.published_at,
                status=ArticleStatus.QUEUED,
                enqueued_at=now,
            )
            for canonical, item in wanted.items()
            if canonical not in known
        ]
        try:
            with transaction.atomic():
                created = Article.objects.bulk_create(rows, batch_size=500)
        except IntegrityError:
            # Someone inserted one of these URLs between our read and our write: go one by one.
            created = []
            for row in rows:
                try:
                    with transaction.atomic():
                        row.pk = None
                        row.save(force_insert=True)
                    created.append(row)
                except IntegrityError:
                    known.add(row.canonical_url)
        summary.created_ids = [row.pk for row in created]
        summary.known = len(wanted) - len(summary.created_ids)
        if enqueue:
            _send_fetch(summary.created_ids)
    return summary


# --- Storing text (fetched or pasted) ---


def _bulk_count(bulk_job_id: int | None, counter: str) -> None:
    if bulk_job_id:
        BulkJob.objects.filter(pk=bulk_job_id).update(**{counter: F(counter) + 1, "updated_at": timezone.now()})


def _text_store(*, article: Article, text: str, fields: dict, fence: Q) -> str | None:
    """Store ``text`` on ``article`` as an original (fetched) or as a duplicate of an earlier copy.

    Returns the new status, or None when ``fence`` no longer matches (someone else finished
    the row). Must run inside a transaction.
    """
    digest = text_hash(text)
    now = timezone.now()
    values = dict(fields, text=text, content_hash=digest, error="", lease_expires_at=None, updated_at=now)
    rows = Article.objects.filter(pk=article.pk).filter(fence)
    for _ in range(5):
        original = Article.objects.originals().filter(content_hash=digest).exclude(pk=article.pk).only("pk").first()
        status = ArticleStatus.FETCHED if original is None else ArticleStatus.DUPLICATE
        try:
            # A savepoint: the partial unique index on originals' hashes settles a race between
            # two rows storing the same text at once; the loser retries and becomes a duplicate.
            with transaction.atomic():
                updated = rows.update(**values, status=status, duplicate_of=original)
        except IntegrityError:
            continue
        if not updated:
            return None
        _bulk_count(article.bulk_job_id, "new" if status == ArticleStatus.FETCHED else "duplicate")
        if status == ArticleStatus.FETCHED:
            _send_extract(article.pk)
        return status
    raise IntegrityError(f"Could not store the text of article {article.pk} after repeated conflicts.")


def article_submit_text(
    *,
    text: str,
    by=None,
    url: str = "",
    outlet_name: str = "",
    title: str = "",
    published_at: datetime | None = None,
) -> tuple[Article, bool]:
    """Store a pasted text (markup removed) as an article; returns (article, created).

    ``created`` is False when the text or the URL was already known: the known article is
    returned (for a known text at a new URL, the new row marked as its duplicate). A URL
    whose fetch gave no text (failed, refused, still queued) is filled in with this text.
    """
    errors = {}
    if not isinstance(text, str):
        text = ""
    clean = text_from_paste(text)
    if not clean:
        errors["text"] = "Paste the text of the article."
    elif len(clean.encode("utf-8")) > settings.INGEST_MAX_BYTES:
        errors["text"] = f"The text is longer than {settings.INGEST_MAX_BYTES:,} bytes."
    canonical = None
    if url:
        try:
            canonical = url_canonical(url)
        except InvalidURL as exc:
            errors["url"] = str(exc)
    if errors:
        raise ValidationError(errors)
    title = line_clean(title)[:1000]
    now = timezone.now()

    with _context(by, "article_submit_text"), transaction.atomic():
        if outlet_name:
            outlet = outlet_for_name(name=outlet_name)
        else:
            outlet = outlet_for_host(host=url_host(canonical)) if canonical else None
        fields = {"fetched_at": now}
        if canonical:
            existing = Article.objects.select_for_update().filter(canonical_url=canonical).first()
            if existing is not None:
                if existing.text:
                    return existing, False
                # The fetch could not get this page (paywall, refused, failed): the pasted
                # text fills the row in, and any fetch still running loses its fence.
                fields.update(
                    origin=ArticleOrigin.TEXT,
                    title=title or existing.title,
                    outlet=outlet or existing.outlet,
                    published_at=published_at or existing.published_at,
                    submitted_by=by or existing.submitted_by,
                )
                _text_store(article=existing, text=clean, fields=fields, fence=Q(pk=existing.pk))
                existing.refresh_from_db()
                return existing, False
        else:
            original = Article.objects.originals().filter(content_hash=text_hash(clean)).first()
            if original is not None:
                return original, False
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    url=url.strip() if canonical else "",
                    canonical_url=canonical,
                    origin=ArticleOrigin.TEXT,
                    submitted_by=by,
                    title=title,
                    outlet=outlet,
                    published_at=published_at,
                    status=ArticleStatus.FETCHING,
                )
        except IntegrityError:
            # The same URL was submitted at the same moment by someone else: theirs stands.
            return Article.objects.get(canonical_url=canonical), False
        status = _text_store(article=article, text=clean, fields=fields, fence=Q(pk=article.pk))
        article.refresh_from_db()
    return article, status == ArticleStatus.FETCHED


# --- Fetching ---


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
            _bulk_count(article.bulk_job_id, "failed")
    return updated


def article_fetch_and_store(*, article_id: int, final_attempt: bool = True) -> str | None:
    """Fetch a queued article's page and store its main text; returns the status it ended in.

    Raises ``FetchTransient`` (after putting the row back in the queue) when the error may go
    away and this is not the final attempt, so the task retries with backoff. Does nothing
    (returns None) when the row is not queued, or is being fetched by a live worker.
    """
    now = timezone.now()
    claimed = (
        Article.objects.filter(pk=article_id)
        .filter(Q(status=ArticleStatus.QUEUED) | Q(status=ArticleStatus.FETCHING, lease_expires_at__lt=now))
        .update(
            status=ArticleStatus.FETCHING,
            attempts=F("attempts") + 1,
            lease_expires_at=now + timedelta(seconds=settings.INGEST_LEASE_SECONDS),
            updated_at=now,
        )
    )
    if not claimed:
        return None
    article = Article.objects.get(pk=article_id)
    token = article.attempts
    try:
        return _fetch_claimed(article, token, final_attempt=final_attempt)
    except FetchTransient:
        raise
    except Exception as exc:
        # A bug or an unexpected input: record it for a person to see, then fail loudly.
        logger.exception("Fetching article %s failed unexpectedly", article_id)
        _finish(article, token, status=ArticleStatus.FAILED, error=f"Internal error: {type(exc).__name__}: {exc}")
        raise


def _fetch_claimed(article: Article, token: int, *, final_attempt: bool) -> str | None:
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
    with transaction.atomic():
        if article.outlet_id is None:
            fields["outlet"] = outlet_for_host(host=url_host(result.url), site_name=page.site_name)
        fence = Q(status=ArticleStatus.FETCHING, attempts=token)
        return _text_store(article=article, text=page.text, fields=fields, fence=fence)


def article_raw_body(article: Article) -> bytes:
    """The response body as fetched (decompressed), or b"" when none was kept."""
    return zlib.decompress(bytes(article.raw_body)) if article.raw_body else b""


# --- The sweeper ---


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
    expired = list(Article.objects.fetch_lease_expired(now).values_list("pk", flat=True)[:batch])
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
    _send_fetch(expired + stale)
    unextracted: list[int] = []
    if extraction_available():
        # An extraction claims its row fetched -> extracting; one whose worker died (its lease lapsed)
        # is handed back. Rows claimed without a lease are left to the extraction code.
        dead = list(
            Article.objects.filter(status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now).values_list(
                "pk", flat=True
            )[:batch]
        )
        if dead:
            Article.objects.filter(pk__in=dead, status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now).update(
                status=ArticleStatus.FETCHED, lease_expires_at=None, updated_at=now
            )
            for pk in dead:
                _send_extract(pk)
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
            _send_extract(pk)
        unextracted += dead
    return {
        "lease_expired": len(expired),
        "requeued": len(stale),
        "extraction_resent": len(unextracted),
        "fetch_backlog": backlog or 0,
    }


# --- Bulk jobs ---


def bulk_job_create(*, urls: Iterable[str], name: str = "", by=None, enqueue: bool = True) -> BulkJob:
    """A list of URLs (one a line; blank lines and # comments skipped) submitted as one job."""
    lines = []
    for line in urls:
        line = line.strip() if isinstance(line, str) else ""
        if line and not line.startswith("#"):
            lines.append(line)
    if not lines:
        raise ValidationError({"urls": "The list has no URLs in it."})
    if len(lines) > settings.INGEST_BULK_MAX_URLS:
        raise ValidationError({"urls": f"At most {settings.INGEST_BULK_MAX_URLS:,} URLs per list."})
    with _context(by, "bulk_job_create"), transaction.atomic():
        job = BulkJob.objects.create(name=line_clean(name)[:300], submitted_by=by, total=len(lines))
        summary = articles_submit_urls(
            items=[FeedItem(url=line) for line in lines],
            origin=ArticleOrigin.BULK,
            by=by,
            bulk_job=job,
            enqueue=enqueue,
        )
        BulkJob.objects.filter(pk=job.pk).update(
            duplicate=F("duplicate") + summary.known + summary.repeats, failed=F("failed") + len(summary.invalid)
        )
    job.refresh_from_db()
    job.invalid_lines = summary.invalid
    return job


# --- Feeds ---


def feed_create(*, url: str, poll_interval_minutes: int = 15, title: str = "", by=None, poll: bool = True) -> Feed:
    """Register a feed (by its canonical URL) and, unless ``poll`` is False, poll it right away."""
    canonical = _canonical_or_error(url)
    if Feed.objects.filter(url=canonical).exists():
        raise ValidationError({"url": "This feed is already registered."})
    feed = Feed(url=canonical, poll_interval_minutes=poll_interval_minutes, title=line_clean(title)[:300])
    feed.full_clean()
    try:
        with _context(by, "feed_create"), transaction.atomic():
            feed.save()
            if poll:
                _send_feed_poll(feed.pk)
    except IntegrityError:
        raise ValidationError({"url": "This feed is already registered."}) from None
    return feed


def feed_update(*, feed: Feed, by=None, **fields) -> Feed:
    """Change a feed's title, interval or active flag; (re)activating makes it due now."""
    allowed = {"title", "poll_interval_minutes", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed."))
    was_active = feed.is_active
    for name, value in fields.items():
        setattr(feed, name, line_clean(value)[:300] if name == "title" else value)
    feed.full_clean()
    if feed.is_active and not was_active:
        feed.next_poll_at = None
    with _context(by, "feed_update"), transaction.atomic():
        feed.save()
        if feed.is_active and not was_active:
            _send_feed_poll(feed.pk)
    return feed


def feed_poll_now(*, feed: Feed, by=None) -> None:
    """Make a feed due and send its poll (the "poll now" button)."""
    with _context(by, "feed_poll_now"), transaction.atomic():
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=None, updated_at=timezone.now())
        _send_feed_poll(feed.pk)


@dataclass
class PollResult:
    """What one poll of a feed did."""

    outcome: str  # "polled", "not_modified", "error", "skipped"
    items: int = 0
    created_ids: list[int] = field(default_factory=list)
    known: int = 0
    invalid: int = 0
    error: str = ""


def _feed_record(feed: Feed, **values) -> None:
    now = timezone.now()
    values.setdefault("next_poll_at", now + timedelta(minutes=feed.poll_interval_minutes))
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=now, updated_at=now, **values)


def feed_poll(*, feed_id: int, enqueue: bool = True, force: bool = False) -> PollResult:
    """Poll one feed (conditional GET) and record each new item as an article to fetch.

    Claims the feed by moving ``next_poll_at`` forward for the lease, so two workers do not
    poll it at once; an error is recorded on the feed, and the next poll is at its interval.
    """
    now = timezone.now()
    claim = Feed.objects.filter(pk=feed_id, is_active=True)
    if not force:
        claim = claim.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    if not claim.update(next_poll_at=now + timedelta(seconds=settings.INGEST_LEASE_SECONDS), updated_at=now):
        return PollResult(outcome="skipped")
    feed = Feed.objects.get(pk=feed_id)
    try:
        return _feed_poll_claimed(feed, enqueue=enqueue)
    except Exception as exc:
        logger.exception("Polling feed %s failed unexpectedly", feed_id)
        _feed_record(feed, last_error=f"Internal error: {type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
        raise


def _feed_poll_claimed(feed: Feed, *, enqueue: bool) -> PollResult:
    try:
        result = fetch(feed.url, config=fetch_config(), kind="feed", etag=feed.etag, last_modified=feed.last_modified)
    except FetchError as exc:
        _feed_record(feed, last_error=exc.reason[:MAX_ERROR_LENGTH], last_status_code=None)
        return PollResult(outcome="error", error=exc.reason)
    if result.not_modified:
        _feed_record(feed, last_error="", last_status_code=304)
        return PollResult(outcome="not_modified")
    parsed = feed_parse(result.body, base_url=result.url, content_type=result.content_type)
    if parsed.error and not parsed.items:
        # Validators dropped: the next poll fetches the whole document again.
        _feed_record(
            feed,
            last_error=parsed.error[:MAX_ERROR_LENGTH],
            last_status_code=result.status_code,
            etag="",
            last_modified="",
        )
        return PollResult(outcome="error", error=parsed.error)
    with transaction.atomic():
        summary = articles_submit_urls(items=parsed.items, origin=ArticleOrigin.FEED, feed=feed, enqueue=enqueue)
        _feed_record(
            feed,
            last_error=parsed.error[:MAX_ERROR_LENGTH],
            last_status_code=result.status_code,
            # A malformed document is fetched whole next time, until it is fixed.
            etag="" if parsed.error else result.etag,
            last_modified="" if parsed.error else result.last_modified,
            items_seen=len(parsed.items),
            articles_created=F("articles_created") + len(summary.created_ids),
            title=feed.title or parsed.title,
        )
    return PollResult(
        outcome="polled",
        items=len(parsed.items),
        created_ids=summary.created_ids,
        known=summary.known + summary.repeats,
        invalid=len(summary.invalid),
        error=parsed.error,
    )


def feeds_poll_due(*, now: datetime | None = None) -> list[int]:
    """Send a poll for every active feed whose time has come (beat runs this every minute)."""
    due = list(Feed.objects.due(now or timezone.now()).values_list("pk", flat=True))
    from sources.tasks import feed_poll as feed_poll_task

    for pk in due:
        feed_poll_task.delay(pk)
    return due
