"""Filtersets of the sources resources (articles, outlets, feeds), shared by the API and pages.

Semantics match the attacks filterset (strikes.filtersets; both parse with config.filters):
a date alone means that whole day in Kyiv time (``published_before=2025-04-24`` includes
all of the 24th); several values are separated by commas; a malformed value is a 400
naming the parameter.
"""

from django_filters import rest_framework as filters

from config.filters import BooleanFilter, IdInFilter, InFilter, MomentFilter, TextContainsFilter
from sources.choices import ArticleOrigin, ArticleStatus, OutletGrade
from sources.models import Article, Feed, Outlet


class ArticleFilterSet(filters.FilterSet):
    """Articles by ingest status, origin, outlet, feed, attack, language, publication and change time."""

    status = InFilter(field_name="status", allowed=ArticleStatus.values, help_text="e.g. fetched,failed")
    origin = InFilter(field_name="origin", allowed=ArticleOrigin.values)
    outlet = IdInFilter(field_name="outlet_id", help_text="Outlet id(s).")
    feed = IdInFilter(field_name="feed_id", help_text="Feed id(s).")
    attack = IdInFilter(field_name="attack_id", help_text="Attack id(s) the articles are linked to.")
    language = InFilter(field_name="language", help_text="Language code(s) of the text, e.g. uk,ru or en.")
    published_after = MomentFilter(field_name="published_at", side="after")
    published_before = MomentFilter(field_name="published_at", side="before")
    updated_since = MomentFilter(
        field_name="updated_at", side="after", help_text="Rows changed at or after this moment (for syncing)."
    )

    class Meta:
        model = Article
        fields = []


class OutletFilterSet(filters.FilterSet):
    """Outlets by name (contains, any case), domain, or grade."""

    name = TextContainsFilter(field_name="name", max_length=200)
    domain = InFilter(field_name="domain")
    grade = InFilter(field_name="grade", allowed=OutletGrade.values)

    class Meta:
        model = Outlet
        fields = []


class FeedFilterSet(filters.FilterSet):
    """Feeds by active flag or outlet."""

    is_active = BooleanFilter(field_name="is_active")
    outlet = IdInFilter(field_name="outlet_id")

    class Meta:
        model = Feed
        fields = []
