"""Submitting URLs (one, many, a bulk list) and texts; storing text once per content hash."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.history import history_context
from sources.canonical import InvalidURL, line_clean, text_hash, url_canonical, url_host
from sources.choices import ArticleOrigin, ArticleStatus
from sources.content import text_from_paste
from sources.feeds import FeedItem
from sources.models import Article, BulkJob, Feed
from sources.services.common import canonical_or_error, send_extract, send_fetch
from sources.services.outlets import outlet_for_host, outlet_for_name


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
    canonical = canonical_or_error(url)
    now = timezone.now()
    with history_context(by, "article_submit_url"), transaction.atomic():
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
            send_fetch([article.pk])
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
                send_fetch([article.pk])
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
            send_fetch(summary.created_ids)
    return summary


# --- Storing text (fetched or pasted) ---


def bulk_count(bulk_job_id: int | None, counter: str) -> None:
    """One more line of a bulk job settled as ``counter`` (new, duplicate or failed)."""
    if bulk_job_id:
        BulkJob.objects.filter(pk=bulk_job_id).update(**{counter: F(counter) + 1, "updated_at": timezone.now()})


def text_store(*, article: Article, text: str, fields: dict, fence: Q, extract: bool = True) -> str | None:
    """Store ``text`` on ``article`` as an original (fetched) or as a duplicate of an earlier copy.

    Returns the new status, or None when ``fence`` no longer matches (someone else finished
    the row). Runs in the caller's transaction when there is one (a pasted text), else in its
    own (a fetch: one short transaction instead of one wrapped around the whole page's work).
    ``extract`` False: no extraction message is sent, the caller extracts the original itself.
    """
    digest = text_hash(text)
    now = timezone.now()
    values = dict(fields, text=text, content_hash=digest, error="", lease_expires_at=None, updated_at=now)
    rows = Article.objects.filter(pk=article.pk).filter(fence)
    for _ in range(5):
        original = Article.objects.originals().filter(content_hash=digest).exclude(pk=article.pk).only("pk").first()
        status = ArticleStatus.FETCHED if original is None else ArticleStatus.DUPLICATE
        try:
            # A savepoint (or the transaction itself): the partial unique index on originals'
            # hashes settles a race between two rows storing the same text at once; the loser
            # retries and becomes a duplicate. The bulk job's count and the extraction message
            # are part of the same write, so neither happens without the other.
            with transaction.atomic():
                updated = rows.update(**values, status=status, duplicate_of=original)
                if updated:
                    bulk_count(article.bulk_job_id, "new" if status == ArticleStatus.FETCHED else "duplicate")
                    if status == ArticleStatus.FETCHED and extract:
                        send_extract(article.pk)
        except IntegrityError:
            continue
        if not updated:
            return None
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

    with history_context(by, "article_submit_text"), transaction.atomic():
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
                text_store(article=existing, text=clean, fields=fields, fence=Q(pk=existing.pk))
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
        status = text_store(article=article, text=clean, fields=fields, fence=Q(pk=article.pk))
        article.refresh_from_db()
    return article, status == ArticleStatus.FETCHED


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
    with history_context(by, "bulk_job_create"), transaction.atomic():
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
