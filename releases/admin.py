"""Releases in the admin: to look at, never to edit (the database refuses edits anyway)."""

from django.contrib import admin

from releases.models import Release, ReleaseFile


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete: releases are made by `manage.py release` and never change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    fields = ["name", "content_type", "size", "sha256", "rows"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "frozen_at", "created_at"]
    fields = ["number", "title", "notes", "frozen_at", "created_at", "counts", "changelog", "citation"]
    readonly_fields = fields
    inlines = [ReleaseFileInline]
