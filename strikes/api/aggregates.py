"""What the map and the timeline aggregates share (``strikes.api.timeline``, ``strikes.api.map``).

Both take every attack filter (the same ``AttackFilterSet``, without ordering), so the
page's filter bar means the same rows here as in the list.
"""

from django.conf import settings
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES
from rest_framework.generics import GenericAPIView

from config.api import JSONErrorsMixin, StrictFilterBackend
from strikes.api import cache
from strikes.filtersets import AttackAggregateFilterSet
from strikes.models import Attack, Place
from strikes.querysets import AttackQuerySet

# Summary tables (migration 0006): per-day and per-grid-cell sums kept by triggers. They answer
# the requests whose filters are all among these; any other filter computes from the attacks.
SUMMARY_TIME_ZONE = "Europe/Kyiv"  # the calendar of strikes_attack_daily's days
SUMMARY_LEVELS = (8, 11, 14)  # grid levels of strikes_attack_cell: cell side 90/2^level degrees
TIMELINE_SUMMARY_FILTERS = frozenset({"occurred_after", "occurred_before", "oblast", "place", "status"})
MAP_SUMMARY_FILTERS = frozenset({"bbox", "oblast", "place", "status"})


def cached(request, kind: str, compute):
    """``compute()``, cached for ``API_AGGREGATE_CACHE_SECONDS`` under the data version
    (``strikes.api.cache``: how it stays correct). The summary tables make a miss cheap too."""
    return cache.cached(request, kind, compute, settings.API_AGGREGATE_CACHE_SECONDS)


def active_filters(filterset) -> set[str]:
    """The filters this request applies (django-filter skips the empty ones the same way)."""
    return {name for name, value in filterset.form.cleaned_data.items() if value not in EMPTY_VALUES}


def summary_where(filterset) -> tuple[list[str], list]:
    """SQL conditions on a summary table for the status, oblast and place filters, meaning what
    ``AttackFilterSet`` means: the statuses the user may see (and asked for), the attack's
    oblast, the place or a place inside it (two levels down)."""
    data = filterset.form.cleaned_data
    user = getattr(filterset.request, "user", None)
    visible = AttackQuerySet.visible_statuses(user)
    wanted = data.get("status")
    where, params = ["status = ANY(%s)"], [[s for s in visible if not wanted or s in wanted]]
    if data.get("oblast"):
        where.append("oblast_id = ANY(%s)")
        params.append(list(data["oblast"]))
    if data.get("place"):
        ids = data["place"]
        places = Place.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
        where.append("place_id = ANY(%s)")
        params.append(list(places.values_list("pk", flat=True)))
    return where, params


class AggregateView(JSONErrorsMixin, GenericAPIView):
    """An aggregate over the attacks the filters select (no paging: the answer is the whole)."""

    queryset = Attack.objects.all()
    filter_backends = [StrictFilterBackend]
    filterset_class = AttackAggregateFilterSet
    pagination_class = None

    def valid_filterset(self, request):
        """The attack filterset for this request, after the 400 checks (unknown, malformed)."""
        return StrictFilterBackend().get_valid_filterset(request, self.get_queryset(), self)
