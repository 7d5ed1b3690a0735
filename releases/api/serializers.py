"""How releases read in the API: the release, its files with download links."""

from django.urls import reverse
from rest_framework import serializers

from releases.models import Release, ReleaseFile


class ReleaseFileSerializer(serializers.ModelSerializer):
    """A file of a release: size, SHA-256 (also its download's ETag) and where to get it."""

    url = serializers.SerializerMethodField(help_text="Download link; the body's SHA-256 is `sha256`.")

    class Meta:
        model = ReleaseFile
        fields = ["name", "description", "content_type", "size", "sha256", "rows", "url"]

    def get_url(self, obj) -> str:
        path = reverse("api-release-file", args=[obj.release.number, obj.name])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ReleaseSerializer(serializers.ModelSerializer):
    """A release as listed: what it holds and how to cite it."""

    url = serializers.SerializerMethodField(help_text="This release in the API.")
    files = ReleaseFileSerializer(many=True, read_only=True)

    class Meta:
        model = Release
        fields = ["number", "url", "title", "notes", "created_at", "frozen_at", "counts", "citation", "files"]

    def get_url(self, obj) -> str:
        path = reverse("api-release-detail", args=[obj.number])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ReleaseDetailSerializer(ReleaseSerializer):
    """A release with its changelog since the previous one."""

    class Meta(ReleaseSerializer.Meta):
        fields = [*ReleaseSerializer.Meta.fields, "changelog"]
