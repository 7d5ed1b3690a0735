from django.apps import AppConfig


class WatchConfig(AppConfig):
    """Saved searches that notify their owner of new, changed and retracted matching attacks."""

    name = "watch"

    def ready(self):
        # Registered in every process: services send the delivery task by name (see linking's).
        from watch import tasks  # noqa: F401
