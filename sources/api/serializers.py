"""Representations of articles, outlets and feeds.

An article's ``text`` is plain text (pasted markup is removed on the way in, fetched pages
are reduced to their main text); the raw response body is never part of the API.
"""

from django.conf import settings
from rest_framework import serializers

from config.api import FieldsMixin, RefuseUnknownFieldsMixin
from sources.choices import OutletGrade
from sources.models import Article, Feed, Outlet


class ArticleSerializer(FieldsMixin, serializers.ModelSerializer):
    outlet_name = serializers.CharField(source="outlet.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "canonical_url",
            "final_url",
            "title",
            "outlet",
            "outlet_name",
            "feed",
            "published_at",
            "language",
            "text",
            "content_hash",
            "duplicate_of",
            "origin",
            "status",
            "error",
            "attempts",
            "http_status",
            "fetched_at",
            "attack",
            "review_state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleSubmitSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """``{"url": ...}`` to fetch a page, or ``{"text": ..., "url"?, "outlet"?, "title"?, "published_at"?}``."""

    url = serializers.CharField(required=False, allow_blank=True, max_length=2000, trim_whitespace=True)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    published_at = serializers.DateTimeField(required=False, allow_null=True)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"detail": 'Send a JSON object: {"url": ...} or {"text": ...}.'})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "Unknown field."))
        return super().to_internal_value(data)

    def validate_text(self, value):
        if len(value.encode("utf-8", errors="replace")) > settings.INGEST_MAX_BYTES:
            raise serializers.ValidationError(f"The text is longer than {settings.INGEST_MAX_BYTES:,} bytes.")
        return value

    def validate(self, attrs):
        has_text = bool(attrs.get("text", "").strip())
        if not has_text and attrs.get("text"):
            raise serializers.ValidationError({"text": "The text is empty."})
        if not has_text and not attrs.get("url"):
            raise serializers.ValidationError({"detail": "Give a url to fetch, or a text (with an optional url)."})
        if not has_text:
            extra = sorted(name for name in ("outlet", "title", "published_at") if attrs.get(name))
            if extra:
                raise serializers.ValidationError(
                    dict.fromkeys(extra, "Only with a text: a fetched page gives its own.")
                )
        return attrs


class OutletSerializer(FieldsMixin, serializers.ModelSerializer):
    grade_label = serializers.SerializerMethodField()
    article_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "grade", "grade_label", "country", "article_count", "created_at"]
        read_only_fields = fields

    def get_grade_label(self, outlet) -> str:
        return OutletGrade(outlet.grade).label


class FeedSerializer(RefuseUnknownFieldsMixin, FieldsMixin, serializers.ModelSerializer):
    poll_interval_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, default=15)

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "is_active",
            "poll_interval_minutes",
            "last_polled_at",
            "next_poll_at",
            "last_status_code",
            "last_error",
            "items_seen",
            "articles_created",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "outlet",
            "last_polled_at",
            "next_poll_at",
            "last_status_code",
            "last_error",
            "items_seen",
            "articles_created",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"validators": []}, "title": {"required": False}}
