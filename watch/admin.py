"""Saved searches in the admin: read mostly, for support."""

from django.contrib import admin

from watch.models import Delivery, Notification, SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "email", "webhook_url", "webhook_disabled_at", "checked_until"]
    search_fields = ["name", "user__username", "email"]
    readonly_fields = ["webhook_secret", "checked_until", "created_at", "updated_at"]
    list_select_related = ["user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["search", "attack", "kind", "event_id", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["search", "attack", "delivery_email", "delivery_webhook"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["search", "channel", "status", "attempts", "next_attempt_at", "sent_at", "response_status"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["search"]
