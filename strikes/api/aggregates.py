"""Aggregates for the map and the timeline pages, computed in SQL.

Both take every attack filter (the same ``AttackFilterSet``, without ordering), so the
page's filter bar means the same rows here as in the list.
"""

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, F, FloatField, Max, Min, Q, Sum
from django.db.models.functions import Cast, Floor, Trunc
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api import JSONErrorsMixin, StrictFilterBackend, bad_parameter
from config.roles import can_see_unpublished
from strikes.api import cache, docs
from strikes.choices import AttackStatus
from strikes.filtersets import AttackAggregateFilterSet, date_range
from strikes.models import Attack, Place, WaveMunition

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

# Summary tables (migration 0006): per-day and per-grid-cell sums kept by triggers. They answer
# the requests whose filters are all among these; any other filter computes from the attacks.
SUMMARY_TIME_ZONE = "Europe/Kyiv"  # the calendar of strikes_attack_daily's days
SUMMARY_LEVELS = (8, 11, 14)  # grid levels of strikes_attack_cell: cell side 90/2^level degrees
TIMELINE_SUMMARY_FILTERS = frozenset({"occurred_after", "occurred_before", "oblast", "place", "status"})
MAP_SUMMARY_FILTERS = frozenset({"bbox", "oblast", "place", "status"})
# Fine cells on the edge of a box hold points on both sides of it; those points are read from
# the attacks, one small box per non-empty edge cell. Beyond this many, the whole map is.
MAX_EDGE_CELLS = 300
MAX_SUMMARY_CELLS = 20_000


def cached(request, kind: str, compute):
    """``compute()``, cached for ``API_AGGREGATE_CACHE_SECONDS`` under the data version
    (``strikes.api.cache``: how it stays correct). The summary tables make a miss cheap too."""
    return cache.cached(request, kind, compute, settings.API_AGGREGATE_CACHE_SECONDS)


def _active_filters(filterset) -> set[str]:
    """The filters this request applies (django-filter skips the empty ones the same way)."""
    return {name for name, value in filterset.form.cleaned_data.items() if value not in EMPTY_VALUES}


def _summary_where(filterset) -> tuple[list[str], list]:
    """SQL conditions on a summary table for the status, oblast and place filters, meaning what
    ``AttackFilterSet`` means: the statuses the user may see (and asked for), the attack's
    oblast, the place or a place inside it (two levels down)."""
    data = filterset.form.cleaned_data
    user = getattr(filterset.request, "user", None)
    visible = list(AttackStatus.values) if can_see_unpublished(user) else [AttackStatus.PUBLISHED]
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
        attacks = summary_timeline(filterset, bucket)
        if attacks is None:
            attacks = live_timeline(filterset.qs, bucket)
        start, end, end_exclusive = date_range(filterset.form.cleaned_data)
        counts = WaveMunition.objects.all()
        if start is not None:
            counts = counts.filter(wave__started_at__gte=start)
        if end is not None:
            counts = counts.filter(**{"wave__started_at__lt" if end_exclusive else "wave__started_at__lte": end})
        waves = (
            counts.annotate(period=Trunc("wave__started_at", bucket, output_field=DateField(), tzinfo=tz))
            .values("period")
            .annotate(launched=Sum("launched"), intercepted=Sum("intercepted"))
            .order_by("period")
        )
        periods: dict[dt.date, dict] = {}

        def slot(day):
            return periods.setdefault(
                day, {"period": day, "attacks": 0, "killed": 0, "injured": 0, "launched": 0, "intercepted": 0}
            )

        for period, count, killed, injured in attacks:
            entry = slot(period)
            entry["attacks"] += count
            entry["killed"] += killed
            entry["injured"] += injured
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


def live_timeline(queryset, bucket: str) -> list[tuple[dt.date, int, int, int]]:
    """(period start, attacks, killed, injured) per period with attacks, from the attacks."""
    tz = timezone.get_current_timezone()
    rows = (
        queryset.annotate(period=Trunc("occurred_at", bucket, output_field=DateField(), tzinfo=tz))
        .values("period")
        .annotate(attacks=Count("id"), killed=Sum("killed_best"), injured=Sum("injured_best"))
        .order_by("period")
    )
    return [
        (_period_start(row["period"], bucket), row["attacks"], row["killed"] or 0, row["injured"] or 0) for row in rows
    ]


def summary_timeline(filterset, bucket: str) -> list[tuple[dt.date, int, int, int]] | None:
    """``live_timeline`` of the filterset from the daily summary, or None when it cannot answer
    (another zone, another filter, a date range without a whole day).

    Whole Kyiv days come from the summary; the part of a day cut by a bound given with a time
    (``occurred_after=2025-04-24T12:00``) is read from the attacks and added to its period.
    """
    if str(timezone.get_current_timezone()) != SUMMARY_TIME_ZONE:
        return None
    if not _active_filters(filterset) <= TIMELINE_SUMMARY_FILTERS:
        return None
    zone = ZoneInfo(SUMMARY_TIME_ZONE)

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone)

    where, params = _summary_where(filterset)
    start, end, end_exclusive = date_range(filterset.form.cleaned_data)
    edges = []  # querysets of the attacks in partly covered days
    first_day = last_day = None
    if start is not None:
        day = start.astimezone(zone).date()
        first_day = day if start == midnight(day) else day + dt.timedelta(days=1)
        if start != midnight(first_day):
            edges.append(filterset.qs.filter(occurred_at__lt=midnight(first_day)))
    if end is not None:
        day = end.astimezone(zone).date()
        last_day = day - dt.timedelta(days=1)
        if not (end_exclusive and end == midnight(day)):
            edges.append(filterset.qs.filter(occurred_at__gte=midnight(day)))
    if first_day is not None and last_day is not None and first_day > last_day:
        return None  # within a day or two: the attacks are few, and the edges would overlap
    if first_day is not None:
        where.append("day >= %s")
        params.append(first_day)
    if last_day is not None:
        where.append("day <= %s")
        params.append(last_day)
    data = filterset.form.cleaned_data
    table = "strikes_attack_daily" if data.get("oblast") or data.get("place") else "strikes_attack_daily_total"
    with connection.cursor() as cursor:
        period = "day" if bucket == "day" else f"date_trunc('{bucket}', day::timestamp)::date"  # one of BUCKETS
        cursor.execute(
            f"SELECT {period}, sum(attacks)::bigint, sum(killed)::bigint,"  # noqa: S608
            f" sum(injured)::bigint FROM {table} WHERE {' AND '.join(where)} GROUP BY 1 ORDER BY 1",
            params,
        )
        rows = cursor.fetchall()
    for edge in edges:
        rows += live_timeline(edge, bucket)
    return rows


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
    """Grid cell side in degrees: a quarter tile at ``zoom`` (90/2^zoom), doubled until the box
    is at most ``MAX_CELLS_ACROSS`` cells across.

    Always 90/2^n degrees, so every cell is an exact union of the summary's finer cells
    (``summary_grid``).
    """
    min_lon, min_lat, max_lon, max_lat = box
    size = 90.0 / 2**zoom
    while size < max(max_lon - min_lon, max_lat - min_lat) / MAX_CELLS_ACROSS:
        size *= 2
    return size


def live_grid(located, size: float) -> list[dict]:
    """Per grid cell of the located attacks: count, sums and bounds, ordered by cell."""
    rows = (
        located.annotate(
            gx=Cast(Floor(F("longitude") / size), FloatField()),
            gy=Cast(Floor(F("latitude") / size), FloatField()),
        )
        .values("gx", "gy")
        .annotate(
            count=Count("id"),
            sum_lon=Sum("longitude"),
            sum_lat=Sum("latitude"),
            min_lon=Min("longitude"),
            min_lat=Min("latitude"),
            max_lon=Max("longitude"),
            max_lat=Max("latitude"),
            killed=Sum("killed_best"),
            injured=Sum("injured_best"),
        )
        .order_by("gx", "gy")
    )
    return [{**row, "killed": row["killed"] or 0, "injured": row["injured"] or 0} for row in rows]


def _merge(cells: dict, rows) -> None:
    """Add per-coarse-cell rows (gx, gy, count, sums, bounds, tolls) into ``cells``."""
    for gx, gy, count, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, killed, injured in rows:
        cell = cells.get((gx, gy))
        if cell is None:
            cells[(gx, gy)] = {
                "gx": gx,
                "gy": gy,
                "count": count,
                "sum_lon": Decimal(sum_lon),
                "sum_lat": Decimal(sum_lat),
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
                "killed": killed,
                "injured": injured,
            }
            continue
        cell["count"] += count
        cell["sum_lon"] += Decimal(sum_lon)
        cell["sum_lat"] += Decimal(sum_lat)
        cell["min_lon"], cell["min_lat"] = min(cell["min_lon"], min_lon), min(cell["min_lat"], min_lat)
        cell["max_lon"], cell["max_lat"] = max(cell["max_lon"], max_lon), max(cell["max_lat"], max_lat)
        cell["killed"] += killed
        cell["injured"] += injured


def _edges(box, level: int) -> tuple[int, int, int, int]:
    """The cells at ``level`` holding the box's edges (Python and PostgreSQL divide floats alike)."""
    side = 90.0 / 2**level
    return tuple(math.floor(v / side) for v in box)


def summary_grid(filterset, size: float) -> list[dict] | None:
    """``live_grid`` of the filterset's located attacks from the cell summary, or None when it
    cannot answer (another filter, cells finer than the finest level, too long a box edge).

    Without a box, the coarsest level that is fine enough answers alone. A box cuts through
    the cells on its edges, so the box is split in three: the cells of that coarsest level
    strictly inside it; a ring of finer cells strictly inside it around those (the finest
    level keeping the box under ``MAX_SUMMARY_CELLS`` cells); and the finest cells on the
    edges, whose points inside the box are read from the attacks (one small box around each
    cell's points). Every level's cells nest in the map's cells, so the parts add up exactly.
    """
    if not _active_filters(filterset) <= MAP_SUMMARY_FILTERS:
        return None
    coarse = round(math.log2(90.0 / size))
    levels = [level for level in SUMMARY_LEVELS if level >= coarse]
    if not levels or 90.0 / 2**coarse != size:
        return None
    where, params = _summary_where(filterset)
    filters = " AND ".join(where)
    box = filterset.form.cleaned_data.get("bbox")
    cells: dict = {}

    def summed(level: int, region: str, region_params: list) -> None:
        cursor.execute(
            "SELECT floor(gx / %s::float8), floor(gy / %s::float8), sum(attacks)::bigint, sum(sum_lon),"  # noqa: S608
            " sum(sum_lat), min(min_lon), min(min_lat), max(max_lon), max(max_lat), sum(killed)::bigint,"
            f" sum(injured)::bigint FROM strikes_attack_cell WHERE level = %s AND {filters} AND ({region})"
            " GROUP BY 1, 2",
            [2.0 ** (level - coarse), 2.0 ** (level - coarse), level, *params, *region_params],
        )
        _merge(cells, cursor.fetchall())

    with connection.cursor() as cursor:
        if not box:
            summed(levels[0], "true", [])
            return [cells[key] for key in sorted(cells)]
        outer = levels[0]
        inner = outer
        for level in levels:
            side = 90.0 / 2**level
            if ((box[2] - box[0]) / side + 2) * ((box[3] - box[1]) / side + 2) <= MAX_SUMMARY_CELLS:
                inner = level
        x0, y0, x1, y1 = _edges(box, inner)
        cursor.execute(
            "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM strikes_attack_cell"  # noqa: S608
            f" WHERE level = %s AND {filters} AND gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s"
            " AND (gx IN (%s, %s) OR gy IN (%s, %s)) GROUP BY gx, gy",
            [inner, *params, x0, x1, y0, y1, x0, x1, y0, y1],
        )
        edge_cells = cursor.fetchall()
        if len(edge_cells) > MAX_EDGE_CELLS:
            return None
        ox0, oy0, ox1, oy1 = _edges(box, outer)
        if inner == outer or ox1 - ox0 < 2 or oy1 - oy0 < 2:
            # One level, or no coarse cell strictly inside: every inner cell is fine-grained.
            summed(inner, "gx > %s AND gx < %s AND gy > %s AND gy < %s", [x0, x1, y0, y1])
        else:
            summed(outer, "gx > %s AND gx < %s AND gy > %s AND gy < %s", [ox0, ox1, oy0, oy1])
            # The ring: inner cells strictly inside the box but not under a coarse one that
            # is, as four disjoint strips (left, right, bottom, top).
            r = 2 ** (inner - outer)
            ax, bx, ay, by = (ox0 + 1) * r, ox1 * r, (oy0 + 1) * r, oy1 * r  # the coarse interior
            strips = [
                (x0 + 1, ax - 1, y0 + 1, y1 - 1),
                (bx, x1 - 1, y0 + 1, y1 - 1),
                (ax, bx - 1, y0 + 1, ay - 1),
                (ax, bx - 1, by, y1 - 1),
            ]
            summed(
                inner,
                " OR ".join(["(gx BETWEEN %s AND %s AND gy BETWEEN %s AND %s)"] * len(strips)),
                [v for strip in strips for v in strip],
            )
        if edge_cells:
            # The points of an edge cell lie within its bounds, and every point within those
            # bounds is in that cell (a coordinate's cell grows with it): boxes never overlap.
            corners = list(zip(*edge_cells, strict=True))
            cursor.execute(
                "SELECT floor(longitude / %s::float8), floor(latitude / %s::float8), count(*), sum(longitude),"  # noqa: S608
                " sum(latitude), min(longitude), min(latitude), max(longitude), max(latitude),"
                " coalesce(sum(killed_best), 0), coalesce(sum(injured_best), 0)"
                " FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[]) AS b(x0, y0, x1, y1)"
                # One index range scan per small box (OFFSET 0 keeps the planner from turning
                # this into a scan of the whole box joined to the list).
                " CROSS JOIN LATERAL (SELECT longitude, latitude, killed_best, injured_best FROM strikes_attack"
                " WHERE longitude BETWEEN b.x0 AND b.x1 AND latitude BETWEEN b.y0 AND b.y1"
                f" AND {filters} AND longitude BETWEEN %s AND %s AND latitude BETWEEN %s AND %s OFFSET 0) a"
                " GROUP BY 1, 2",
                [size, size, *(list(c) for c in corners), *params, box[0], box[2], box[1], box[3]],
            )
            _merge(cells, cursor.fetchall())
    return [cells[key] for key in sorted(cells)]


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
        grid = summary_grid(filterset, size)
        if grid is None:
            grid = live_grid(located, size)
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
                    # Sums from the summary are exact decimals; from the attacks, floats.
                    "centroid": [float(cell["sum_lon"] / cell["count"]), float(cell["sum_lat"] / cell["count"])],
                    "bounds": [cell["min_lon"], cell["min_lat"], cell["max_lon"], cell["max_lat"]],
                    "killed": cell["killed"],
                    "injured": cell["injured"],
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
