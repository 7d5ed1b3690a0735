"""Choices for the strikes app, each enforced by a CheckConstraint."""

from django.db import models


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    OBLAST = "oblast", "Oblast"
    RAION = "raion", "Raion"
    CITY = "city", "City or town"
    DISTRICT = "district", "City district"


class MunitionCategory(models.TextChoices):
    BALLISTIC_MISSILE = "ballistic_missile", "Ballistic missile"
    CRUISE_MISSILE = "cruise_missile", "Cruise missile"
    AIR_TO_SURFACE_MISSILE = "air_to_surface_missile", "Air-to-surface missile"
    ANTI_SHIP_MISSILE = "anti_ship_missile", "Anti-ship missile"
    SURFACE_TO_AIR_MISSILE = "surface_to_air_missile", "Surface-to-air missile (used against ground targets)"
    ATTACK_DRONE = "attack_drone", "One-way attack drone"
    RECON_DRONE = "recon_drone", "Reconnaissance drone"
    GUIDED_BOMB = "guided_bomb", "Guided aerial bomb"
    UNGUIDED_BOMB = "unguided_bomb", "Unguided bomb"
    ROCKET = "rocket", "Artillery rocket"
    ARTILLERY = "artillery", "Artillery shell"
    OTHER = "other", "Other"


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
