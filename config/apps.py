from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's ground floor as an app: it has no models, only start-up checks."""

    name = "config"
    label = "strikewatch_config"

    def ready(self):
        from config import checks  # noqa: F401 - registers the production safety check
