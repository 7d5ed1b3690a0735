"""Reads for the sources app: QuerySet methods named for the question they answer."""

from datetime import datetime

from django.apps import apps
from django.db import models
from django.db.models import Q

from sources.choices import ArticleOrigin, ArticleStatus

# Statuses in which the ingest pipeline still has work to do for an article.
IN_PROGRESS = (ArticleStatus.QUEUED, ArticleStatus.FETCHING, ArticleStatus.EXTRACTING)


class OutletQuerySet(models.QuerySet):
    """Outlet lookups."""

    def for_domain(self, domain: str):
        return self.filter(domain=domain)


class FeedQuerySet(models.QuerySet):
    """Feed reads for the scheduler and the ingest page."""

    def active(self):
        return self.filter(is_active=True)

    def due(self, now: datetime):
        """Active feeds whose next poll time has come (or that were never polled)."""
        return self.active().filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))


class ArticleQuerySet(models.QuerySet):
    """Article reads shared by the API, the ingest pages and the sweeper."""

    def originals(self):
        """Articles that are not copies of another one's text."""
        return self.filter(duplicate_of__isnull=True)

    def visible_to(self, user):
        """Everything for staff; for everyone else, only the sources of published attacks.

        Pasted texts and articles not yet reviewed may be unpublished material, so the
        public sees an article only once it backs a published attack.
        """
        # The attack's one visibility rule (strikes.querysets), asked through the relation by
        # the model's label as the foreign key names it: sources sits below strikes.
        attacks = apps.get_model("strikes", "Attack").objects
        return self.filter(attacks.visible_q(user, through="attack__"))

    def with_related(self):
        """What list pages and the API print next to each article, in the same query."""
        return self.select_related("outlet")

    def recent(self, limit: int = 50):
        return self.with_related().order_by("-created_at", "-id")[:limit]

    # --- The sweeper: work whose task message looks lost ---

    def fetch_lease_expired(self, now: datetime):
        """Rows a worker claimed but did not finish in time (it probably died)."""
        return self.filter(status=ArticleStatus.FETCHING, lease_expires_at__lt=now)

    def queued_since(self, before: datetime):
        """Rows waiting for a fetch whose message was sent before ``before`` (or never)."""
        return self.filter(status=ArticleStatus.QUEUED).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=before))

    def awaiting_extraction_since(self, before: datetime):
        """Stored originals whose extraction has not run since ``before`` (dataset imports have no text to extract)."""
        return (
            self.originals()
            .filter(status=ArticleStatus.FETCHED, report__isnull=True, updated_at__lt=before)
            .exclude(origin=ArticleOrigin.IMPORT)
        )
