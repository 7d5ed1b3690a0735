"""Filters for claims and decisions: one FilterSet per resource, for the API and any page listing them."""

import django_filters

from casualties.choices import Category, ClaimOrigin
from casualties.models import Claim, Decision


class ClaimFilterSet(django_filters.FilterSet):
    """``attack``, ``category``, ``origin``, ``article``, ``withdrawn``, ``updated_since``."""

    attack = django_filters.NumberFilter(field_name="attack_id")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    origin = django_filters.ChoiceFilter(choices=ClaimOrigin.choices)
    article = django_filters.NumberFilter(field_name="article_id")
    withdrawn = django_filters.BooleanFilter(field_name="withdrawn_at", lookup_expr="isnull", exclude=True)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Claim
        fields = ["attack", "category", "origin", "article", "withdrawn", "updated_since"]


class DecisionFilterSet(django_filters.FilterSet):
    """``attack``, ``category``, ``current``, ``updated_since``."""

    attack = django_filters.NumberFilter(field_name="attack_id")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    current = django_filters.BooleanFilter(field_name="is_current")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Decision
        fields = ["attack", "category", "current", "updated_since"]
