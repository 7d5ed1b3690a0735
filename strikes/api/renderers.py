"""Renderers for the attack formats beyond JSON (the views stream the whole-set exports)."""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class GeoJSONRenderer(JSONRenderer):
    """RFC 7946 GeoJSON (the view shapes the FeatureCollection)."""

    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    """text/csv; the attack list streams its own CSV, this only makes ``format=csv`` known."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, (str, bytes)) else ""
