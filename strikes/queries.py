"""The attack filters of the API and the explore page, for callers outside a request.

A saved search (``watch``) stores a query string; this module checks it with the same
``AttackFilterSet`` the API uses (so it accepts exactly what the API accepts, with the same
messages) and later tells which attacks match it, whatever their status now (a retracted
attack that matched must still be reported as retracted).
"""

from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django_filters import rest_framework as filters

from strikes.filtersets import AttackFilterSet
from strikes.models import Attack

# Parameters that shape an answer (its format, columns, order, page, mode), not which attacks it holds.
PRESENTATION_PARAMS = frozenset(
    {"format", "fields", "omit", "ordering", "page_size", "cursor", "count", "figures", "as_of", "view"}
)


class _FiltersOnly(AttackFilterSet):
    """The filters alone: no visibility rule, no ordering (the caller restricts the rows)."""

    def filter_queryset(self, queryset):
        return filters.FilterSet.filter_queryset(self, queryset)


def attack_query_clean(text: str) -> str:
    """The canonical query string of the attack filters in ``text`` (a page or API URL, or a
    query string): presentation parameters dropped, keys sorted. Raises ``ValidationError``
    naming each bad parameter, as the API would answer it (for the public: published only)."""
    raw = (text or "").strip()
    if "?" in raw or raw.startswith(("http://", "https://", "/")):
        raw = urlsplit(raw).query
    params = QueryDict(raw)
    kept = sorted(
        (key, value)
        for key in params
        if key not in PRESENTATION_PARAMS
        for value in params.getlist(key)
        if value.strip()
    )
    query = urlencode(kept)
    filterset = AttackFilterSet(QueryDict(query), queryset=Attack.objects.none())
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return query


def attack_ids_matching(query: str, ids: Iterable[int]) -> set[int]:
    """Which of the attacks ``ids`` the filters in ``query`` match, in their current state,
    whatever their status."""
    # One array parameter, not one placeholder per id: a 10,000-attack import checked against a
    # thousand saved searches compiled and sent 10,000 parameters a search (bench/features.py).
    chosen = Attack.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),)))
    filterset = _FiltersOnly(QueryDict(query), queryset=chosen)
    if not filterset.is_valid():  # stored queries were cleaned; a filter removed since matches nothing
        return set()
    return set(filterset.qs.values_list("pk", flat=True))
