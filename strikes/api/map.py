"""The map: clusters of attacks on a grid fit to the zoom, and single attacks where few,
computed in SQL (from the per-cell summary table when the filters allow)."""

import math
from decimal import Decimal

from django.db import connections
from django.db.models import Count, F, FloatField, Max, Min, Q, Sum
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from config.api import bad_parameter
from config.replicas import read_alias
from strikes.api import asof, docs
from strikes.api.aggregates import (
    MAP_SUMMARY_FILTERS,
    SUMMARY_LEVELS,
    AggregateView,
    active_filters,
    cached,
    summary_where,
)
from strikes.choices import EvidenceGrade
from strikes.filtersets import AttackAggregateFilterSet
from strikes.models import Attack

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

# Fine cells on the edge of a box hold points on both sides of it; those points are read from
# the attacks, one small box per non-empty edge cell. Beyond this many, the whole map is.
MAX_EDGE_CELLS = 300
MAX_SUMMARY_CELLS = 20_000


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
                "grade": serializers.ChoiceField(choices=EvidenceGrade.choices),
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
    if not active_filters(filterset) <= MAP_SUMMARY_FILTERS:
        return None
    if asof.active() and not asof.summaries("map"):  # the snapshot's sums, when it can (asof.summaries)
        return None
    coarse = round(math.log2(90.0 / size))
    levels = [level for level in SUMMARY_LEVELS if level >= coarse]
    if not levels or 90.0 / 2**coarse != size:
        return None
    where, params = summary_where(filterset)
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

    with connections[read_alias(Attack)].cursor() as cursor:
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


class MapView(AggregateView):
    """Server-side grid clusters for a box and zoom; single attacks where a cell holds few."""

    common_query_params = {"zoom", "format", asof.AS_OF}

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
            asof.AS_OF_PARAMETER,
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
        # The clusters and single attacks read no published figures (the attacks' own best).
        return asof.answer(
            request,
            lambda: Response(cached(request, "map", lambda: self.clusters(request, filterset, zoom))),
            figures=False,
        )

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
                "grade",
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
                "grade": row["grade"],
            }
            for row in rows
        ]
