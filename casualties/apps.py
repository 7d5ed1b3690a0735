from django.apps import AppConfig


class CasualtiesConfig(AppConfig):
    """Claims, published figures and editors' decisions."""

    name = "casualties"
