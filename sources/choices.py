"""Choices for the sources app, each enforced by a CheckConstraint."""

from django.db import models


class OutletGrade(models.TextChoices):
    """How far an outlet's figures are trusted by default (editors may still overrule)."""

    OFFICIAL = "A", "A: official body or its direct statement"
    WIRE = "B", "B: wire service or established outlet with own reporting"
    SECONDARY = "C", "C: outlet republishing others' reporting"
    UNVERIFIED = "D", "D: unverified or partisan"
    UNGRADED = "U", "Not yet graded"


class ArticleStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Fetching"
    FETCHED = "fetched", "Fetched"
    EXTRACTING = "extracting", "Extracting"
    EXTRACTED = "extracted", "Extracted"
    FAILED = "failed", "Failed"
    DUPLICATE = "duplicate", "Duplicate"
    REFUSED = "refused", "Refused"


class ArticleOrigin(models.TextChoices):
    FEED = "feed", "Feed item"
    URL = "url", "Pasted URL"
    TEXT = "text", "Pasted text"
    BULK = "bulk", "Bulk URL list"
    IMPORT = "import", "Dataset import"


class ReviewState(models.TextChoices):
    """What an analyst did with the pipeline's proposal for this article."""

    PENDING = "pending", "Waiting for review"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
