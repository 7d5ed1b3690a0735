"""Vocabularies of the watch app."""

from django.db import models


class ChangeKind(models.TextChoices):
    NEW = "new", "New attack"
    CHANGED = "changed", "Figures changed"
    RETRACTED = "retracted", "Retracted"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    GIVEN_UP = "given_up", "Given up"
