from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """Outlets, feeds and articles: the published sources every figure comes from."""

    name = "sources"
