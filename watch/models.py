"""Saved searches, the changes they noticed, and the deliveries that told their owners."""

import secrets

from django.conf import settings
from django.db import models

from config.db import TimeStampedModel, choices_check
from watch.choices import ChangeKind, Channel, DeliveryStatus


def _new_secret() -> str:
    return secrets.token_hex(32)


class SavedSearch(TimeStampedModel):
    """A user's attack query (the explore page's or the API's filters) and how to tell them
    when it gains, changes or loses an attack.

    ``checked_until`` is the watermark: every change of an attack up to that moment has been
    looked at, so a check never reports a change twice and never skips one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    query = models.TextField(blank=True, help_text="The attack filters, as a URL query string.")
    email = models.EmailField(blank=True, help_text="Where e-mails go; empty for none.")
    webhook_url = models.URLField(max_length=2000, blank=True)
    # Set by the server, shown to the owner: the key of the HMAC-SHA256 signature on each webhook.
    webhook_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    webhook_failures = models.PositiveIntegerField(default=0, help_text="Failed attempts in a row.")
    webhook_disabled_at = models.DateTimeField(null=True, blank=True)
    webhook_disabled_reason = models.TextField(blank=True)
    checked_until = models.DateTimeField()

    class Meta:
        ordering = ["user", "name", "id"]
        indexes = [models.Index(fields=["checked_until"], name="watch_search_checked")]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """One change of one attack noticed for one saved search. The history event that made it
    (``event_id``) is part of the unique key, so a change is recorded exactly once however
    often or concurrently checks run."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="notifications")
    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    event_id = models.BigIntegerField(help_text="The attack history event (pgh_id) that made the change.")
    delivery_email = models.ForeignKey(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="email_notifications"
    )
    delivery_webhook = models.ForeignKey(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["search", "attack", "kind", "event_id"], name="watch_notification_once"),
            choices_check("kind", ChangeKind, "watch_notification_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: attack {self.attack_id}"


class Delivery(models.Model):
    """One message to one channel, carrying one check's notifications; retried with backoff."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            choices_check("channel", Channel, "watch_delivery_channel_valid"),
            choices_check("status", DeliveryStatus, "watch_delivery_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="watch_delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} for {self.search_id}: {self.get_status_display()}"
