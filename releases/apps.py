from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    """Numbered, immutable, checksummed snapshots of the published data, for citing."""

    name = "releases"
