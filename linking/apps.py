from django.apps import AppConfig


class LinkingConfig(AppConfig):
    """Article to attack: runs extraction on stored articles, links reports to attacks, and the review screen."""

    name = "linking"

    def ready(self):
        # Register the extraction task in every process, not only in workers that autodiscover:
        # sources sends it by name, and a name that is not registered here would go to the
        # broker even where tasks run in-process (make run without Redis, tests, eager mode).
        from linking import tasks  # noqa: F401
