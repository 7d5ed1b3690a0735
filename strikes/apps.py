from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_export_lines(sender, using="default", verbosity=1, plan=None, **kwargs):
    """After every migrate: the export lines' functions as the declaration generates them now
    (every line rebuilt when they changed; strikes.api.export_lines)."""
    from strikes.api import export_lines

    export_lines.install(using, verbosity=verbosity)


class StrikesConfig(AppConfig):
    """Places, munitions, waves and attacks: where and when strikes happened."""

    name = "strikes"

    def ready(self):
        post_migrate.connect(_install_export_lines, sender=self, dispatch_uid="strikes_export_lines")
