from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    """Open datasets in and out: the importers (nightly waves, UCDP GED, ACLED), reference data and the demo."""

    name = "datasets"
