"""Filters for claims and decisions: one FilterSet per resource, for the API and any page listing them."""

import django_filters

from casualties.choices import Category, ClaimOrigin
from casualties.models import Claim, Decision
from config.filters import BooleanFilter, IdInFilter, InFilter, MomentFilter


class ClaimFilterSet(django_filters.FilterSet):
    """``attack``, ``category``, ``origin``, ``article``, ``withdrawn``, ``updated_since``."""

    # Strict fields (config.filters): "maybe", an offset PostgreSQL cannot take, a blank are 400s.
    attack = IdInFilter(field_name="attack_id", help_text="Attack id; comma-separated for any.")
    category = InFilter(field_name="category", allowed=Category.values)
    origin = InFilter(field_name="origin", allowed=ClaimOrigin.values)
    article = IdInFilter(field_name="article_id", help_text="Article id; comma-separated for any.")
    withdrawn = BooleanFilter(method="filter_withdrawn", help_text="true: withdrawn claims only; false: standing.")
    updated_since = MomentFilter(field_name="updated_at", side="after", help_text="Changed on or after this moment.")

    class Meta:
        model = Claim
        fields = ["attack", "category", "origin", "article", "withdrawn", "updated_since"]

    def filter_withdrawn(self, queryset, name, value):
        return queryset if value is None else queryset.filter(withdrawn_at__isnull=not value)


class DecisionFilterSet(django_filters.FilterSet):
    """``attack``, ``category``, ``current``, ``updated_since``."""

    attack = IdInFilter(field_name="attack_id", help_text="Attack id; comma-separated for any.")
    category = InFilter(field_name="category", allowed=Category.values)
    current = BooleanFilter(field_name="is_current", help_text="true: the decisions in force.")
    updated_since = MomentFilter(field_name="updated_at", side="after", help_text="Changed on or after this moment.")

    class Meta:
        model = Decision
        fields = ["attack", "category", "current", "updated_since"]
