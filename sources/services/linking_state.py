"""An article's state after its text is stored: extraction's claim and lease, its outcome,
the attack it is linked to, and the analyst's review.

These are the only writes of those fields. Linking decides *what* to record (which attack,
why); it calls these services to record it, so every transition of an article's status is
written in the sources app, next to the fetch transitions (``fetching.py``) and the sweeper.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sources.choices import ArticleStatus
from sources.models import Article
from sources.services.common import MAX_ERROR_LENGTH


def article_extraction_claim(*, article_id: int, now: datetime | None = None) -> bool:
    """Take a stored article for extraction (``fetched``/``extracted`` -> ``extracting``) with a lease.

    One conditional UPDATE, so two workers never extract the same article at once. A row left
    ``extracting`` by a worker that died is claimable once its lease has run out. Returns
    whether this caller holds the row.
    """
    now = now or timezone.now()
    claimable = Q(status__in=[ArticleStatus.FETCHED, ArticleStatus.EXTRACTED]) | Q(
        status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now
    )
    return bool(
        Article.objects.filter(claimable, pk=article_id).update(
            status=ArticleStatus.EXTRACTING,
            lease_expires_at=now + timedelta(seconds=settings.INGEST_LEASE_SECONDS),
            updated_at=now,
        )
    )


def article_extraction_fail(*, article_id: int, error: str) -> None:
    """Record that extraction raised on this article (``failed``, with the reason for a person to read)."""
    Article.objects.filter(pk=article_id).update(
        status=ArticleStatus.FAILED,
        error=error[:MAX_ERROR_LENGTH],
        lease_expires_at=None,
        updated_at=timezone.now(),
    )


def article_extraction_unclaim(*, article_id: int) -> None:
    """Hand an extraction back (``extracting`` -> ``fetched``) after a transient database fault.

    Best effort: the fault may still be there, in which case the lease runs out and the sweeper
    hands the row back instead. Never ``failed``: the article is not at fault.
    """
    from django.db import DatabaseError, connection

    try:
        if not connection.in_atomic_block:  # a broken connection is replaced; a caller's transaction is left alone
            connection.close_if_unusable_or_obsolete()
        Article.objects.filter(pk=article_id, status=ArticleStatus.EXTRACTING).update(
            status=ArticleStatus.FETCHED, lease_expires_at=None, updated_at=timezone.now()
        )
    except DatabaseError:
        pass


def article_extraction_release(*, now: datetime, batch: int = 500) -> list[int]:
    """Hand back extractions whose worker died (lease lapsed): ``extracting`` -> ``fetched``; returns their ids."""
    dead = list(
        Article.objects.filter(status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now).values_list("pk", flat=True)[
            :batch
        ]
    )
    if dead:
        Article.objects.filter(pk__in=dead, status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now).update(
            status=ArticleStatus.FETCHED, lease_expires_at=None, updated_at=now
        )
    return dead


def article_extraction_record(
    *, article: Article, report: dict, attack=None, link_score: float | None, link_explanation: str
) -> Article:
    """Record extraction's outcome: the report, the attack it was linked to and why; ``extracted``.

    ``attack`` None keeps the article's current link (extraction never unlinks an article).

    One UPDATE of these fields only (the caller's transaction holds the claims and the attack it
    names, so the link is never committed without them).
    """
    article.report = report
    if attack is not None:
        article.attack = attack
    article.link_score = link_score
    article.link_explanation = link_explanation
    article.status = ArticleStatus.EXTRACTED
    article.error = ""
    article.lease_expires_at = None
    # The language read from the text itself (extraction's detection) is kept over what the page
    # declared, which is often missing or the site's default rather than the article's.
    language = report.get("language")
    if isinstance(language, str) and language:
        article.language = language[:10]
    article.save(
        update_fields=[
            *("report", "attack", "link_score", "link_explanation", "status", "error"),
            *("lease_expires_at", "language", "updated_at"),
        ]
    )
    return article


def article_link_set(*, article: Article, attack, explanation: str) -> Article:
    """Link an article to another attack by hand (no score: a person decided)."""
    article.attack = attack
    article.link_score = None
    article.link_explanation = explanation
    article.save(update_fields=["attack", "link_score", "link_explanation", "updated_at"])
    return article


def articles_link_move(*, to_attack, explanation: str, from_attack=None, article_ids=None) -> int:
    """Move every article of ``from_attack`` (a merge), or the ``article_ids`` (a split), to ``to_attack``."""
    if from_attack is None and article_ids is None:
        raise ValueError("Name the attack whose articles move, or the articles.")
    rows = Article.objects.all()
    if from_attack is not None:
        rows = rows.filter(attack=from_attack)
    if article_ids is not None:
        rows = rows.filter(pk__in=list(article_ids))
    return rows.update(attack=to_attack, link_explanation=explanation, updated_at=timezone.now())


def article_review_set(*, article: Article, state: str) -> Article:
    """Record the analyst's review of the pipeline's proposal (confirmed or rejected)."""
    article.review_state = state
    article.save(update_fields=["review_state", "updated_at"])
    return article
