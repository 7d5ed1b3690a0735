"""Feeds: register, change, poll (conditional GET), and schedule."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.history import history_context
from sources.canonical import line_clean
from sources.choices import ArticleOrigin
from sources.feeds import feed_parse
from sources.fetch import FetchError, fetch
from sources.models import Feed
from sources.services.articles import articles_submit_urls
from sources.services.common import (
    MAX_ERROR_LENGTH,
    canonical_or_error,
    fetch_config,
    send_feed_poll,
)

logger = logging.getLogger(__name__)


def feed_create(*, url: str, poll_interval_minutes: int = 15, title: str = "", by=None, poll: bool = True) -> Feed:
    """Register a feed (by its canonical URL) and, unless ``poll`` is False, poll it right away."""
    canonical = canonical_or_error(url)
    if Feed.objects.filter(url=canonical).exists():
        raise ValidationError({"url": "This feed is already registered."})
    feed = Feed(url=canonical, poll_interval_minutes=poll_interval_minutes, title=line_clean(title)[:300])
    feed.full_clean()
    try:
        with history_context(by, "feed_create"), transaction.atomic():
            feed.save()
            if poll:
                send_feed_poll(feed.pk)
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
    with history_context(by, "feed_update"), transaction.atomic():
        feed.save()
        if feed.is_active and not was_active:
            send_feed_poll(feed.pk)
    return feed


def feed_poll_now(*, feed: Feed, by=None) -> None:
    """Make a feed due and send its poll (the "poll now" button)."""
    with history_context(by, "feed_poll_now"), transaction.atomic():
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=None, updated_at=timezone.now())
        send_feed_poll(feed.pk)


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
