"""An article's state after its text is stored: extraction's claim and lease, its outcome,
the attack it is linked to, and the analyst's review.

These are the only writes of those fields. Linking decides *what* to record (which attack,
why); it calls these services to record it, so every transition of an article's status is
written in the sources app, next to the fetch transitions (``fetching.py``) and the sweeper.
"""

from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from sources.choices import ArticleStatus
from sources.models import Article
from sources.services import leases
from sources.services.common import MAX_ERROR_LENGTH
from sources.services.leases import MAX_LEASE_LAPSES, gave_up_error


class ExtractionLost(Exception):
    """This worker's extraction claim was taken over (it was presumed dead); its result is not kept."""


# Set by the extraction task when its message came back from a worker lost mid-task (Celery's
# redelivery): the claim below then takes a row still ``extracting`` at once, not after its lease.
extraction_takeover: ContextVar[bool] = ContextVar("extraction_takeover", default=False)


def article_extraction_claim(*, article_id: int, now: datetime | None = None, takeover: bool | None = None) -> bool:
    """Take a stored article for extraction (``fetched``/``extracted`` -> ``extracting``) with a lease.

    One conditional UPDATE, so two workers never extract the same article at once. A row left
    ``extracting`` by a worker that died is claimable once its lease has run out, or at once when
    ``takeover`` (default: the ``extraction_takeover`` context) says its message came back from a
    lost worker. Taking a row over increments ``lease_lapses``, the fencing token the outcome is
    written under; at the last lapse the row is given up (``failed``) instead. The lease is renewed
    while this process works (``leases``). Returns whether this caller holds the row.
    """
    now = now or timezone.now()
    if takeover is None:
        takeover = extraction_takeover.get()
    with connection.cursor() as cursor:
        cursor.execute(
            _EXTRACTION_CLAIM_SQL,
            {
                "id": article_id,
                "now": now,
                "until": now + timedelta(seconds=settings.INGEST_LEASE_SECONDS),
                "takeover": takeover,
                "last": MAX_LEASE_LAPSES - 1,
            },
        )
        row = cursor.fetchone()
    if row is None:
        held = Q(status=ArticleStatus.EXTRACTING)
        if not takeover:
            held &= Q(lease_expires_at__lt=now)
        Article.objects.filter(held, pk=article_id, lease_lapses__gte=MAX_LEASE_LAPSES - 1).update(
            status=ArticleStatus.FAILED, lease_expires_at=None, updated_at=now, error=gave_up_error("extracting")
        )
        return False
    leases.hold(leases.EXTRACT, article_id, row[0])
    return True


# The claim and its fencing token in one statement written once (issue 19): the ORM built a
# conditional UPDATE with a CASE for every article, then a SELECT read the token back, ~2 ms of
# a worker's CPU and a round trip per article. Same rule as before: a stored article
# (fetched/extracted) is taken as it is; one left ``extracting`` by a lost worker is taken once
# its lease has lapsed, or at once on a takeover, counting the lapse (the new token), unless it
# is at its last lapse (given up above instead).
_EXTRACTION_CLAIM_SQL = f"""
UPDATE sources_article
   SET status = '{ArticleStatus.EXTRACTING.value}',
       lease_lapses = CASE WHEN status = '{ArticleStatus.EXTRACTING.value}' THEN lease_lapses + 1 ELSE lease_lapses END,
       lease_expires_at = %(until)s,
       updated_at = %(now)s
 WHERE id = %(id)s
   AND (status IN ('{ArticleStatus.FETCHED.value}', '{ArticleStatus.EXTRACTED.value}')
        OR (status = '{ArticleStatus.EXTRACTING.value}'
            AND (%(takeover)s OR lease_expires_at < %(now)s)
            AND lease_lapses < %(last)s))
RETURNING lease_lapses
"""  # noqa: S608 -- constants of this module, no input


def _held_by_me(article_id: int):
    """This worker's row, if it still holds it: ``extracting`` under the token it claimed with."""
    rows = Article.objects.filter(pk=article_id, status=ArticleStatus.EXTRACTING)
    token = leases.token(leases.EXTRACT, article_id)
    return rows if token is None else rows.filter(lease_lapses=token)


def article_extraction_done(*, article_id: int) -> None:
    """This process no longer works on the article: its lease is not renewed any more."""
    leases.drop(leases.EXTRACT, article_id)


def article_extraction_fail(*, article_id: int, error: str) -> None:
    """Record that extraction raised on this article (``failed``, with the reason for a person to read).

    Only while this worker still holds the row: one that was taken over belongs to its new holder.
    """
    _held_by_me(article_id).update(
        status=ArticleStatus.FAILED,
        error=error[:MAX_ERROR_LENGTH],
        lease_expires_at=None,
        updated_at=timezone.now(),
    )
    article_extraction_done(article_id=article_id)


def article_extraction_unclaim(*, article_id: int) -> None:
    """Hand an extraction back (``extracting`` -> ``fetched``) after a transient database fault.

    Best effort: the fault may still be there, in which case the lease runs out (it is no longer
    renewed) and the sweeper hands the row back instead. Never ``failed``: the article is not at fault.
    """
    rows = _held_by_me(article_id)
    article_extraction_done(article_id=article_id)
    leases.hand_back(
        lambda: rows.update(status=ArticleStatus.FETCHED, lease_expires_at=None, updated_at=timezone.now())
    )


def article_extraction_release(*, now: datetime, batch: int = 500) -> tuple[list[int], int]:
    """Hand back extractions whose worker died (lease lapsed): ``extracting`` -> ``fetched``.

    Returns the ids handed back and how many were given up (``failed``: their worker was lost
    MAX_LEASE_LAPSES times). Each hand-back counts a lapse, which also fences out the lost worker.
    """
    lapsed = Article.objects.filter(status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now)
    given_up = lapsed.filter(lease_lapses__gte=MAX_LEASE_LAPSES - 1).update(
        status=ArticleStatus.FAILED, lease_expires_at=None, updated_at=now, error=gave_up_error("extracting")
    )
    dead = list(lapsed.values_list("pk", flat=True)[:batch])
    if dead:
        Article.objects.filter(pk__in=dead, status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now).update(
            status=ArticleStatus.FETCHED, lease_expires_at=None, lease_lapses=F("lease_lapses") + 1, updated_at=now
        )
    return dead, given_up


def article_extraction_record(
    *, article: Article, report: dict, attack=None, link_score: float | None, link_explanation: str
) -> Article:
    """Record extraction's outcome: the report, the attack it was linked to and why; ``extracted``.

    ``attack`` None keeps the article's current link (extraction never unlinks an article).

    One UPDATE of these fields only (the caller's transaction holds the claims and the attack it
    names, so the link is never committed without them), fenced by the claim's token: a worker
    whose row was taken over raises ``ExtractionLost``, so its transaction (a draft attack, claims)
    is rolled back and the article is never linked twice.
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
    article.updated_at = timezone.now()
    fields = ("report", "attack_id", "link_score", "link_explanation", "status", "error", "lease_expires_at")
    values = {name: getattr(article, name) for name in (*fields, "language", "updated_at")}
    token = leases.token(leases.EXTRACT, article.pk)
    rows = Article.objects.filter(pk=article.pk, status=ArticleStatus.EXTRACTING)
    if token is not None:
        rows = rows.filter(lease_lapses=token)
    if not rows.update(**values):
        raise ExtractionLost(f"Article {article.pk} was taken over by another worker; this result is dropped.")
    article_extraction_done(article_id=article.pk)
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
