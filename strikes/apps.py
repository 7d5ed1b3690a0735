from django.apps import AppConfig


class StrikesConfig(AppConfig):
    """Places, munitions, waves and attacks: where and when strikes happened."""

    name = "strikes"
