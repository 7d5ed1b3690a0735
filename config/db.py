"""Shared model bases."""

from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base giving every row ``created_at`` and ``updated_at``."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def choices_check(field: str, choices, name: str, *, null: bool = False) -> models.CheckConstraint:
    """A CheckConstraint keeping ``field`` within ``choices`` in the database itself."""
    condition = models.Q(**{f"{field}__in": choices.values})
    if null:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)
