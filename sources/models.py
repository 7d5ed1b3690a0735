"""The published sources: outlets, the feeds polled for new articles, and the articles."""

from django.conf import settings
from django.db import models

from config.db import TimeStampedModel, choices_check
from sources.choices import ArticleOrigin, ArticleStatus, OutletGrade, ReviewState
from sources.querysets import ArticleQuerySet, FeedQuerySet, OutletQuerySet


class Outlet(TimeStampedModel):
    """A publisher (newspaper, agency, official channel) with a reliability grade."""

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=200, blank=True, help_text="Host name articles are published under.")
    grade = models.CharField(max_length=1, choices=OutletGrade.choices, default=OutletGrade.UNGRADED)
    country = models.CharField(max_length=100, blank=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("grade", OutletGrade, "sources_outlet_grade_valid"),
            models.UniqueConstraint(
                fields=["domain"], condition=~models.Q(domain=""), name="sources_outlet_domain_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Feed(TimeStampedModel):
    """An RSS or Atom feed polled at its own interval with conditional GET."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="feeds")
    is_active = models.BooleanField(default=True)
    poll_interval_minutes = models.PositiveIntegerField(default=15)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    items_seen = models.PositiveIntegerField(default=0)
    articles_created = models.PositiveIntegerField(default=0)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval_minutes__gte=1), name="sources_feed_interval_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "next_poll_at"], name="sources_feed_due")
        ]  # beat: feeds due a poll

    def __str__(self) -> str:
        return self.title or self.url


class Article(TimeStampedModel):
    """One published text (fetched, pasted or imported), stored once per canonical URL and content hash."""

    url = models.URLField(max_length=2000, blank=True, help_text="The URL as submitted.")
    canonical_url = models.URLField(max_length=2000, null=True, blank=True, unique=True)
    final_url = models.URLField(max_length=2000, blank=True, help_text="Where redirects ended.")
    title = models.CharField(max_length=1000, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the normalised text.")
    # PROTECT: a duplicate must keep its original (sources_article_duplicate_has_original), so
    # deleting an original that has copies is refused instead of breaking that rule.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    origin = models.CharField(max_length=10, choices=ArticleOrigin.choices, default=ArticleOrigin.URL)
    status = models.CharField(max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.QUEUED)
    error = models.TextField(blank=True)
    # Each claim of the row by a fetch increments this; the claim's value fences the final write,
    # so a worker whose lease lapsed cannot overwrite the one that took over.
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the last task message for this row was sent; the sweeper re-sends it when it looks lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # While fetching: when the worker holding the row is presumed dead and the row may be taken over.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # How many times the worker holding this row (fetch or extraction) was lost: its lease lapsed,
    # or its message came back from a dead worker. A page that kills its worker would otherwise be
    # retried forever; the sweeper and the claims give up at sweeper.MAX_LEASE_LAPSES. Taking a row
    # over increments it, so for extraction it is also the fencing token (attempts fences fetches).
    lease_lapses = models.PositiveSmallIntegerField(default=0)
    # Provenance: the response body as fetched, zlib-compressed, so a figure can be re-checked later.
    raw_body = models.BinaryField(null=True, blank=True, editable=False)
    raw_content_type = models.CharField(max_length=200, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bulk_job = models.ForeignKey("BulkJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    # Extraction output (extraction report as JSON) and the link it led to.
    report = models.JSONField(null=True, blank=True)
    attack = models.ForeignKey(
        "strikes.Attack", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    link_score = models.FloatField(null=True, blank=True)
    link_explanation = models.TextField(blank=True)
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("status", ArticleStatus, "sources_article_status_valid"),
            choices_check("origin", ArticleOrigin, "sources_article_origin_valid"),
            choices_check("review_state", ReviewState, "sources_article_review_state_valid"),
            # Exactly one original per text: later copies point at it through duplicate_of.
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~models.Q(content_hash="") & models.Q(duplicate_of__isnull=True),
                name="sources_article_hash_unique_original",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ArticleStatus.DUPLICATE) | models.Q(duplicate_of__isnull=False),
                name="sources_article_duplicate_has_original",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="sources_article_status"),  # ingest page by status
            # An attack's sources in the order every representation lists them; the CSV export
            # reads outlet and URLs for every attack, so they are in the index (index-only scans).
            models.Index(
                fields=["attack", "published_at", "id"],
                include=["outlet", "canonical_url", "url"],
                name="sources_article_attack_pub",
            ),
            models.Index(fields=["content_hash"], name="sources_article_hash"),  # duplicate detection
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url or f"Article {self.pk}"


class BulkJob(TimeStampedModel):
    """A list of URLs submitted at once, whose progress is shown while it runs."""

    name = models.CharField(max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"Bulk job {self.pk}"

    @property
    def done(self) -> int:
        """Lines settled so far: stored as new, found to be duplicates, or failed/refused."""
        return self.new + self.duplicate + self.failed

    @property
    def is_finished(self) -> bool:
        return self.done >= self.total
