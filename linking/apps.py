from django.apps import AppConfig


class LinkingConfig(AppConfig):
    """Article to attack: runs extraction on stored articles, links reports to attacks, and the review screen."""

    name = "linking"
