"""Writes for the sources app: URLs and texts in, fetched articles, feeds, bulk jobs.

Exactly once, by natural key: an article is unique by canonical URL, and its text by
content hash (a second copy is stored as a duplicate pointing at the first). Work is
claimed with conditional UPDATEs and fenced by ``Article.attempts``, so two workers (or
a re-delivered task) never both write a result. Tasks are sent after commit; the
sweeper (``articles_requeue_stale``) re-sends work whose message was lost.

Services called for a person take ``by`` and record it in the history context; the
fetch and poll services run for the system and write no tracked models.
"""

from sources.services.articles import (
    SubmitSummary,
    article_submit_text,
    article_submit_url,
    articles_submit_urls,
    bulk_job_create,
)
from sources.services.common import EXTRACT_TASK, extraction_available, fetch_config
from sources.services.feeds import (
    PollResult,
    feed_create,
    feed_poll,
    feed_poll_now,
    feed_update,
    feeds_poll_due,
)
from sources.services.fetching import article_fetch_and_store, article_raw_body
from sources.services.linking_state import (
    article_extraction_claim,
    article_extraction_fail,
    article_extraction_record,
    article_extraction_release,
    article_extraction_unclaim,
    article_link_set,
    article_review_set,
    articles_link_move,
)
from sources.services.outlets import outlet_for_host, outlet_for_name
from sources.services.sweeper import article_retry, articles_requeue_stale, fetch_backlog

__all__ = [
    "EXTRACT_TASK",
    "PollResult",
    "SubmitSummary",
    "article_extraction_claim",
    "article_extraction_fail",
    "article_extraction_record",
    "article_extraction_release",
    "article_extraction_unclaim",
    "article_fetch_and_store",
    "article_link_set",
    "article_raw_body",
    "article_retry",
    "article_review_set",
    "article_submit_text",
    "article_submit_url",
    "articles_link_move",
    "articles_requeue_stale",
    "articles_submit_urls",
    "bulk_job_create",
    "extraction_available",
    "feed_create",
    "feed_poll",
    "feed_poll_now",
    "feed_update",
    "feeds_poll_due",
    "fetch_backlog",
    "fetch_config",
    "outlet_for_host",
    "outlet_for_name",
]
