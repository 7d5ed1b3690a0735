"""Choices for the strikes app, each enforced by a CheckConstraint."""

from django.db import models

from extraction.reference.munitions import CATEGORY_TITLES
from extraction.reference.munitions import C as MunitionCategoryCode


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    OBLAST = "oblast", "Oblast"
    RAION = "raion", "Raion"
    CITY = "city", "City or town"
    DISTRICT = "district", "City district"


# Built from the extraction package's ``C`` so the two cannot drift: one declaration of the
# vocabulary, with its labels (``extraction.reference.munitions.CATEGORY_TITLES``).
MunitionCategory = models.TextChoices(
    "MunitionCategory", [(c.name, (c.value, CATEGORY_TITLES[c])) for c in MunitionCategoryCode]
)
MunitionCategory.__doc__ = "The kind of weapon, as designed (see ``extraction.reference.munitions``)."


class TimePrecision(models.TextChoices):
    EXACT = "exact", "Exact time"
    HOUR = "hour", "Within the hour"
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class GeoPrecision(models.IntegerChoices):
    """Ordered from most to least precise, so ``geo_precision_max`` is a comparison."""

    EXACT = 1, "Exact location"
    NEAR = 2, "Near a known location"
    DISTRICT = 3, "City district"
    CITY = 4, "City or town"
    OBLAST = 5, "Oblast"
    COUNTRY = 6, "Country"


class TargetType(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    ENERGY = "energy", "Energy"
    TRANSPORT = "transport", "Transport and infrastructure"
    INDUSTRIAL = "industrial", "Industrial"
    COMMERCIAL = "commercial", "Commercial"
    HEALTHCARE = "healthcare", "Healthcare"
    EDUCATION = "education", "Education"
    GOVERNMENT = "government", "Civil government"
    AGRICULTURE = "agriculture", "Agriculture"
    MILITARY = "military", "Military"
    UNKNOWN = "unknown", "Unknown"
    OTHER = "other", "Other"


class AttackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class ExternalSource(models.TextChoices):
    """Datasets an attack or wave may have been imported from (idempotency keys)."""

    UCDP = "ucdp", "UCDP GED"
    ACLED = "acled", "ACLED"
    NIGHTLY = "nightly", "Nightly attacks dataset"


class EvidenceGrade(models.TextChoices):
    """How well an attack is attested (rules: ``casualties.grades``, docs/RECONCILIATION.md).

    Values are those of ``casualties.grades`` (kept Django-free); a test checks they match.
    """

    CONFIRMED = "confirmed", "Confirmed"
    FAIR = "fair", "Fair"
    SINGLE_SOURCE = "single_source", "Single source"
    CONTESTED = "contested", "Contested"
    DISCOUNTED = "discounted", "Discounted"
