"""Aggregates for the map and the timeline pages, computed in SQL.

Both take every attack filter (the same ``AttackFilterSet``, without ordering), so the
page's filter bar means the same rows here as in the list.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Max, Min, Q, Sum
from django.db.models.functions import Cast, Floor, Trunc
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api import JSONErrorsMixin, StrictFilterBackend, bad_parameter
from config.roles import can_see_unpublished
from strikes.api import docs
from strikes.filtersets import AttackAggregateFilterSet, date_range
from strikes.models import Attack, WaveMunition

BUCKETS = ("day", "week", "month")
# Zero-filled periods are only added up to this many (a filter reaching back centuries
# should not make a response of 100,000 empty days).
MAX_FILLED_PERIODS = 20_000

# Map grid: cells per 256-pixel tile at a zoom level, and at most this many cells across
# the requested box whatever the zoom, so a response stays small.
CELLS_PER_TILE = 4
MAX_CELLS_ACROSS = 128
MIN_ZOOM, MAX_ZOOM, DEFAULT_ZOOM = 0, 22, 6
# A cell with at most this many attacks is sent as single attacks (more at high zoom).
SINGLES_PER_CELL = 3
SINGLES_PER_CELL_HIGH_ZOOM = 25
HIGH_ZOOM = 14
MAX_SINGLES = 2_000
MAX_SINGLE_CELLS = 500


def data_version() -> int:
    """The data version (migration 0004): bumped by every statement writing what the
    aggregates read, committed or not."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM strikes_data_version")
        return cursor.fetchone()[0]


def cached(request, kind: str, compute):
    """``compute()``, cached for ``API_AGGREGATE_CACHE_SECONDS`` under the data version, the
    query string, the zone and whether the user sees unpublished attacks.

    Correctness: the version is read before computing, and any write to the tables the
    aggregate reads draws a new version, so a cached answer is never served after a write
    that came before the version was read. A result computed while a write was still
    uncommitted can be cached under that write's version: it is served at most for the
    cache lifetime. Inside a transaction (tests, or a caller that wrote in the same one) the
    cache is neither read nor filled: the transaction may see its own uncommitted writes.
    """
    seconds = settings.API_AGGREGATE_CACHE_SECONDS
    if not seconds or connection.in_atomic_block:
        return compute()
    params = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
    identity = json.dumps(
        [kind, data_version(), params, str(timezone.get_current_timezone()), can_see_unpublished(request.user)]
    )
    key = "sw:aggregate:" + hashlib.sha256(identity.encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        return hit
    data = compute()
    cache.set(key, data, seconds)
    return data


class _AggregateView(JSONErrorsMixin, GenericAPIView):
    queryset = Attack.objects.all()
    filter_backends = [StrictFilterBackend]
    filterset_class = AttackAggregateFilterSet
    pagination_class = None

    def valid_filterset(self, request):
        """The attack filterset for this request, after the 400 checks (unknown, malformed)."""
        return StrictFilterBackend().get_valid_filterset(request, self.get_queryset(), self)


# --- Timeline ---


def _period_start(moment: dt.datetime, bucket: str) -> dt.date:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next_period(day: dt.date, bucket: str) -> dt.date:
    if bucket == "day":
        return day + dt.timedelta(days=1)
    if bucket == "week":
        return day + dt.timedelta(days=7)
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


TimelineResponse = inline_serializer(
    "Timeline",
    {
        "bucket": serializers.ChoiceField(choices=BUCKETS),
        "timezone": serializers.CharField(help_text="Periods are calendar days/weeks/months in this zone."),
        "results": inline_serializer(
            "TimelinePeriod",
            {
                "period": serializers.DateField(help_text="First day of the period (weeks start on Monday)."),
                "attacks": serializers.IntegerField(),
                "killed": serializers.IntegerField(help_text="Sum of published best figures."),
                "injured": serializers.IntegerField(help_text="Sum of published best figures."),
                "launched": serializers.IntegerField(help_text="From waves; date range only."),
                "intercepted": serializers.IntegerField(help_text="From waves; date range only."),
            },
            many=True,
        ),
    },
)


class TimelineView(_AggregateView):
    """Attacks, killed and injured per day, week or month; launched and intercepted from waves."""

    common_query_params = {"bucket", "format"}

    @extend_schema(
        summary="Timeline",
        description=docs.TIMELINE,
        parameters=[
            OpenApiParameter(
                "bucket", str, enum=list(BUCKETS), default="day", description="Period length.", examples=docs.ex("week")
            ),
            *docs.ATTACK_FILTER_PARAMETERS,
        ],
        responses={200: TimelineResponse, 400: docs.ERROR_RESPONSE},
    )
    def get(self, request):
        bucket = request.query_params.get("bucket", "day")
        if bucket not in BUCKETS:
            raise bad_parameter("bucket", f"bucket must be one of {', '.join(BUCKETS)}.")
        filterset = self.valid_filterset(request)
        return Response(cached(request, "timeline", lambda: self.timeline(filterset, bucket)))

    @staticmethod
    def timeline(filterset, bucket: str) -> dict:
        tz = timezone.get_current_timezone()
        attacks = (
            filterset.qs.annotate(period=Trunc("occurred_at", bucket, tzinfo=tz))
            .values("period")
            .annotate(attacks=Count("id"), killed=Sum("killed_best"), injured=Sum("injured_best"))
            .order_by("period")
        )
        start, end, end_exclusive = date_range(filterset.form.cleaned_data)
        counts = WaveMunition.objects.all()
        if start is not None:
            counts = counts.filter(wave__started_at__gte=start)
        if end is not None:
            counts = counts.filter(**{"wave__started_at__lt" if end_exclusive else "wave__started_at__lte": end})
        waves = (
            counts.annotate(period=Trunc("wave__started_at", bucket, tzinfo=tz))
            .values("period")
            .annotate(launched=Sum("launched"), intercepted=Sum("intercepted"))
            .order_by("period")
        )
        periods: dict[dt.date, dict] = {}

        def slot(day):
            return periods.setdefault(
                day, {"period": day, "attacks": 0, "killed": 0, "injured": 0, "launched": 0, "intercepted": 0}
            )

        for row in attacks:
            entry = slot(_period_start(row["period"], bucket))
            entry.update(attacks=row["attacks"], killed=row["killed"] or 0, injured=row["injured"] or 0)
        for row in waves:
            entry = slot(_period_start(row["period"], bucket))
            entry.update(launched=row["launched"] or 0, intercepted=row["intercepted"] or 0)
        results = []
        if periods:
            day, last = min(periods), max(periods)
            filled = 0
            while day <= last and filled < MAX_FILLED_PERIODS:
                results.append(periods.get(day) or slot(day))
                day = _next_period(day, bucket)
                filled += 1
            if filled >= MAX_FILLED_PERIODS:  # only the periods with data beyond the cap
                results += [periods[d] for d in sorted(periods) if d >= day]
        for entry in results:
            entry["period"] = entry["period"].isoformat()
        return {"bucket": bucket, "timezone": str(tz), "results": results}


# --- Map ---


MapResponse = inline_serializer(
    "MapClusters",
    {
        "zoom": serializers.IntegerField(),
        "cell_size": serializers.FloatField(help_text="Grid cell side in degrees."),
        "total": serializers.IntegerField(help_text="Attacks with coordinates in the box."),
        "without_coordinates": serializers.IntegerField(help_text="Matching attacks with no coordinates (any box)."),
        "clusters": inline_serializer(
            "MapCluster",
            {
                "count": serializers.IntegerField(),
                "centroid": serializers.ListField(child=serializers.FloatField(), help_text="[lon, lat]"),
                "bounds": serializers.ListField(
                    child=serializers.FloatField(), help_text="[min_lon, min_lat, max_lon, max_lat]"
                ),
                "killed": serializers.IntegerField(),
                "injured": serializers.IntegerField(),
            },
            many=True,
        ),
        "attacks": inline_serializer(
            "MapAttack",
            {
                "id": serializers.IntegerField(),
                "event_id_cnty": serializers.CharField(),
                "occurred_at": serializers.DateTimeField(),
                "place": inline_serializer(
                    "MapPlace", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
                ),
                "longitude": serializers.FloatField(),
                "latitude": serializers.FloatField(),
                "geo_precision": serializers.IntegerField(),
                "killed_best": serializers.IntegerField(allow_null=True),
                "injured_best": serializers.IntegerField(allow_null=True),
                "disputed": serializers.BooleanField(),
            },
            many=True,
        ),
    },
)


def cell_size(zoom: int, box) -> float:
    """Grid cell side in degrees: a quarter tile at ``zoom``, but never finer than
    ``MAX_CELLS_ACROSS`` cells across the box."""
    min_lon, min_lat, max_lon, max_lat = box
    size = 360.0 / (2**zoom) / CELLS_PER_TILE
    return max(size, (max_lon - min_lon) / MAX_CELLS_ACROSS, (max_lat - min_lat) / MAX_CELLS_ACROSS)


class MapView(_AggregateView):
    """Server-side grid clusters for a box and zoom; single attacks where a cell holds few."""

    common_query_params = {"zoom", "format"}

    @extend_schema(
        summary="Map clusters",
        description=docs.MAP,
        parameters=[
            OpenApiParameter(
                "zoom",
                int,
                description=f"Web-map zoom level {MIN_ZOOM}-{MAX_ZOOM} (default {DEFAULT_ZOOM}).",
                examples=docs.ex(6),
            ),
            *docs.ATTACK_FILTER_PARAMETERS,
        ],
        responses={200: MapResponse, 400: docs.ERROR_RESPONSE},
    )
    def get(self, request):
        raw_zoom = request.query_params.get("zoom", str(DEFAULT_ZOOM))
        try:
            zoom = int(raw_zoom)
        except ValueError:
            raise bad_parameter("zoom", f"zoom must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}.") from None
        if not MIN_ZOOM <= zoom <= MAX_ZOOM:
            raise bad_parameter("zoom", f"zoom must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}.")
        filterset = self.valid_filterset(request)
        return Response(cached(request, "map", lambda: self.clusters(request, filterset, zoom)))

    def clusters(self, request, filterset, zoom: int) -> dict:
        box = filterset.form.cleaned_data.get("bbox") or (-180.0, -90.0, 180.0, 90.0)
        size = cell_size(zoom, box)
        located = filterset.qs.filter(longitude__isnull=False)
        grid = (
            located.annotate(
                gx=Cast(Floor(F("longitude") / size), FloatField()),
                gy=Cast(Floor(F("latitude") / size), FloatField()),
            )
            .values("gx", "gy")
            .annotate(
                count=Count("id"),
                lon=Avg("longitude"),
                lat=Avg("latitude"),
                min_lon=Min("longitude"),
                min_lat=Min("latitude"),
                max_lon=Max("longitude"),
                max_lat=Max("latitude"),
                killed=Sum("killed_best"),
                injured=Sum("injured_best"),
            )
            .order_by("gx", "gy")
        )
        per_cell = SINGLES_PER_CELL_HIGH_ZOOM if zoom >= HIGH_ZOOM else SINGLES_PER_CELL
        clusters, small_cells, total, singles_budget = [], [], 0, MAX_SINGLES
        for cell in grid:
            total += cell["count"]
            if cell["count"] <= per_cell and len(small_cells) < MAX_SINGLE_CELLS and cell["count"] <= singles_budget:
                small_cells.append(cell)
                singles_budget -= cell["count"]
                continue
            clusters.append(
                {
                    "count": cell["count"],
                    "centroid": [cell["lon"], cell["lat"]],
                    "bounds": [cell["min_lon"], cell["min_lat"], cell["max_lon"], cell["max_lat"]],
                    "killed": cell["killed"] or 0,
                    "injured": cell["injured"] or 0,
                }
            )
        attacks = self._singles(located, small_cells)
        without = filterset.qs.filter(longitude__isnull=True)
        if filterset.form.cleaned_data.get("bbox"):
            # Attacks without coordinates cannot be in any box: count them over the other filters.
            params = request.query_params.copy()
            params.pop("bbox")
            unboxed = AttackAggregateFilterSet(params, queryset=Attack.objects.all(), request=request)
            without = unboxed.qs.filter(longitude__isnull=True)
        return {
            "zoom": zoom,
            "cell_size": size,
            "total": total,
            "without_coordinates": without.count(),
            "clusters": clusters,
            "attacks": attacks,
        }

    @staticmethod
    def _singles(located, cells) -> list[dict]:
        if not cells:
            return []
        # Each small cell is a tiny box: an OR of index range scans on (longitude, latitude).
        condition = Q()
        for cell in cells:
            condition |= Q(
                longitude__gte=cell["min_lon"],
                longitude__lte=cell["max_lon"],
                latitude__gte=cell["min_lat"],
                latitude__lte=cell["max_lat"],
            )
        rows = (
            located.filter(condition)
            .order_by("-occurred_at", "-id")
            .values(
                "id",
                "occurred_at",
                "place_id",
                "place__name",
                "longitude",
                "latitude",
                "geo_precision",
                "killed_best",
                "injured_best",
                "disputed",
            )[: MAX_SINGLES + 1]
        )
        return [
            {
                "id": row["id"],
                "event_id_cnty": f"UKR-SW{row['id']}",
                "occurred_at": timezone.localtime(row["occurred_at"]).isoformat(),
                "place": None if row["place_id"] is None else {"id": row["place_id"], "name": row["place__name"]},
                "longitude": row["longitude"],
                "latitude": row["latitude"],
                "geo_precision": row["geo_precision"],
                "killed_best": row["killed_best"],
                "injured_best": row["injured_best"],
                "disputed": row["disputed"],
            }
            for row in rows
        ]
