"""Weapons launched and intercepted per model (or category) and period, from the nightly waves.

A wave's count is kept per weapon *label* as the source wrote it (``WaveMunition``), and a label
may name several catalogue models at once ("X-101/X-555 and Kalibr": one number for both). Such
a count cannot be split between its parts, and adding it to each part would count the same
missiles twice. So every label's count goes to exactly one row of the answer: the catalogue
model it names, or, when it names several, the **combination** of them (listed as its parts).
Summing the rows of a period therefore gives the period's total exactly once. With
``by=category`` the same holds one level up: a label whose models are all of one category counts
under it, a label mixing categories under the combination of those categories.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import DateField
from django.db.models.functions import Trunc
from django.http import HttpResponse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from config.api import JSONErrorsMixin, StrictFilterBackend, bad_parameter
from config.filters import MomentFilter
from strikes.api import docs
from strikes.api.renderers import CSVRenderer
from strikes.filtersets import date_range
from strikes.models import Munition, WaveMunition

DESCRIPTION = __doc__  # the schema's description of the endpoint
BY = ("model", "category")
PERIODS = ("day", "week", "month", "year", "all")
# A label linked to no catalogue row (a name the catalogue lacks): counted under its own words
# with by=model, and under this name with by=category.
UNCATALOGUED = "uncatalogued"
CSV_COLUMNS = ("period", "weapon", "combined", "parts", "category", "launched", "intercepted", "waves", "labels")


class WeaponFilterSet(filters.FilterSet):
    """The weapons table's filters: when the waves started (the attacks' date filters' words)."""

    occurred_after = MomentFilter(
        field_name="wave__started_at", side="after", help_text="Waves started on or after (ISO date or date-time)."
    )
    occurred_before = MomentFilter(
        field_name="wave__started_at",
        side="before",
        help_text="Waves started on or before (ISO date or date-time; a date: that whole day).",
    )

    class Meta:
        model = WaveMunition
        fields = []

    def is_valid(self):
        if not super().is_valid():
            return False
        start, end, exclusive = date_range(self.form.cleaned_data)
        if start is not None and end is not None and (start >= end if exclusive else start > end):
            self.form.add_error("occurred_after", "occurred_after is later than occurred_before.")
            return False
        return True


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: labels come from outside datasets, and a cell
    starting with = + - @ (or a tab or CR) would be read as a formula (as ``sql.csv_text`` does)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# The answer's rows, grouped by PostgreSQL: one row per period and *shape* (the answer row's
# identity: the set of catalogue models, or a lone uncatalogued label, with by=model; the set of
# categories with by=category). Per shape: the counts added up (SUM keeps a count no wave gave
# as NULL: unknown, not 0), the waves counted, and the labels in code point order (COLLATE "C":
# Python's order of str), as an array or as JSON text. "{shape}" and "{labels}" are filled in
# per ``by`` and format below; the inner query is the filtered wave counts, compiled by Django.
_GROUPS_SQL = """
SELECT {day}, k.shape, {lone} AS lone, sum(c.launched), sum(c.intercepted), count(DISTINCT c.wave_id),
       {labels}
FROM ({inner}) c
LEFT JOIN ({shape}) k ON k.wavemunition_id = c.id
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""
# Per wave count, its shape: every count's at once (one hash join; a lookup per count cost twice
# as much).
_SHAPES = {
    # The catalogue rows a label names (their names, for the answer, come from the catalogue).
    "model": (
        "SELECT m.wavemunition_id, array_agg(DISTINCT m.munition_id ORDER BY m.munition_id) AS shape"
        " FROM strikes_wavemunition_munitions m GROUP BY 1"
    ),
    # The categories of those rows.
    "category": (
        'SELECT m.wavemunition_id, array_agg(DISTINCT u.category COLLATE "C" ORDER BY u.category COLLATE "C")'
        " AS shape FROM strikes_wavemunition_munitions m JOIN strikes_munition u ON u.id = m.munition_id GROUP BY 1"
    ),
}
_LABELS = 'array_agg(DISTINCT c.label COLLATE "C" ORDER BY c.label COLLATE "C")'


@dataclass(frozen=True, slots=True)
class _Shape:
    """What an answer row shows of its weapon (the same for every period), worked out once."""

    weapon: str
    parts: tuple[str, ...]
    category: str | None
    sort_name: str = field(compare=False)

    def json(self) -> str:
        """The row's members from "weapon" to "category", as the JSON renderer writes them,
        with a trailing comma."""
        combined = "true" if len(self.parts) > 1 else "false"
        return (
            f'"weapon":{_json(self.weapon)},"combined":{combined},"parts":{_json(self.parts)},'
            f'"category":{_json(self.category)},'
        )


def _json(value) -> str:
    """``value`` as DRF's JSON renderer writes it (compact, non-ASCII as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _shapes(by: str):
    """A function (the shape key, a lone label) -> ``_Shape``, memoised; for by=model it reads
    the catalogue (one query), for by=category the key is already the categories."""
    memo: dict[tuple, _Shape] = {}
    catalogue = {m["id"]: m for m in Munition.objects.values("id", "name", "category")} if by == "model" else {}

    def shape(key: list | None, lone: str | None) -> _Shape:
        memo_key = (tuple(key) if key else (), lone)
        found = memo.get(memo_key)
        if found is not None:
            return found
        if by == "model":
            if not key:
                parts, category = (lone,), None
            else:
                models = sorted((catalogue[i] for i in key), key=lambda m: m["name"].casefold())
                parts = tuple(m["name"] for m in models)
                categories = {m["category"] for m in models}
                category = categories.pop() if len(categories) == 1 else None
        else:
            parts = tuple(key) if key else (UNCATALOGUED,)
            category = parts[0] if len(parts) == 1 else None
        weapon = " + ".join(parts)
        found = memo[memo_key] = _Shape(weapon, parts, category, weapon.casefold())
        return found

    return shape


def _groups(queryset, *, by: str, period: str, labels_json: bool) -> list[tuple]:
    """(period as ISO text or None, ``_Shape``, launched, intercepted, waves, labels) per answer
    row, in the answer's order: period, most launched first, then the weapon's name (any case).
    ``labels``: a list, or with ``labels_json`` the list's JSON text (PostgreSQL escapes a string
    as Python's JSON encoder does: the same short escapes, other controls as lowercase \\u00xx)."""
    counts = queryset.order_by().values("id", "label", "launched", "intercepted", "wave_id")
    if period != "all":
        # The period's first day in the zone, computed by PostgreSQL: no per-row conversion here.
        tz = timezone.get_current_timezone()
        counts = counts.annotate(day=Trunc("wave__started_at", period, output_field=DateField(), tzinfo=tz))
    inner, params = counts.query.sql_with_params()
    sql = _GROUPS_SQL.format(
        day="to_char(c.day, 'YYYY-MM-DD')" if period != "all" else "NULL::text",
        # by=model, a label naming no catalogue model is a row of its own; by=category all such
        # labels are one row, "uncatalogued".
        lone="CASE WHEN k.shape IS NULL THEN c.label END" if by == "model" else "NULL::text",
        labels=f"array_to_json({_LABELS})::text" if labels_json else _LABELS,
        inner=inner,
        shape=_SHAPES[by],
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    shape = _shapes(by)
    rows = [(day, shape(key, lone), *rest) for day, key, lone, *rest in fetched]
    # Stable: rows tied on all three keep the statement's order (period, shape, label).
    rows.sort(key=lambda r: (r[0] or "", -(r[2] or 0), r[1].sort_name))
    return rows


def weapons_table(queryset, *, by: str, period: str) -> list[dict]:
    """The rows of the answer for the ``WaveMunition`` rows of ``queryset`` (two queries by
    model, one by category)."""
    return [
        {
            "period": day,
            "weapon": shape.weapon,
            "combined": len(shape.parts) > 1,
            "parts": list(shape.parts),
            "category": shape.category,
            "launched": launched,
            "intercepted": intercepted,
            "waves": waves,
            "labels": labels,
        }
        for day, shape, launched, intercepted, waves, labels in _groups(
            queryset, by=by, period=period, labels_json=False
        )
    ]


def weapons_json(queryset, *, by: str, period: str) -> str:
    """``weapons_table``'s rows as the JSON array the renderer would write (before its U+2028
    and U+2029 escapes), built from text: ~3,700 rows a day-by-day answer, each a dict of nine
    members and two lists to make and encode otherwise (docs/PERFORMANCE.md §16)."""
    fragments: dict[_Shape, str] = {}
    out = []
    for day, shape, launched, intercepted, waves, labels in _groups(queryset, by=by, period=period, labels_json=True):
        middle = fragments.get(shape)
        if middle is None:
            middle = fragments[shape] = shape.json()
        out.append(
            f'{{"period":{"null" if day is None else chr(34) + day + chr(34)},{middle}'
            f'"launched":{"null" if launched is None else launched},'
            f'"intercepted":{"null" if intercepted is None else intercepted},'
            f'"waves":{waves},"labels":{labels}}}'
        )
    return "[" + ",".join(out) + "]"


WeaponsResponse = inline_serializer(
    "Weapons",
    {
        "by": serializers.ChoiceField(choices=BY),
        "period": serializers.ChoiceField(choices=PERIODS),
        "timezone": serializers.CharField(help_text="Periods are calendar days, weeks, months or years in this zone."),
        "results": inline_serializer(
            "WeaponsRow",
            {
                "period": serializers.DateField(
                    allow_null=True, help_text="First day of the period (weeks start on Monday); null for period=all."
                ),
                "weapon": serializers.CharField(
                    help_text="The catalogue model, the category, or a combination of them joined by ' + '."
                ),
                "combined": serializers.BooleanField(help_text="The count is of several parts together."),
                "parts": serializers.ListField(child=serializers.CharField()),
                "category": serializers.CharField(allow_null=True, help_text="null when the parts' categories differ."),
                "launched": serializers.IntegerField(allow_null=True, help_text="null: no wave gave the number."),
                "intercepted": serializers.IntegerField(allow_null=True, help_text="null: no wave gave the number."),
                "waves": serializers.IntegerField(help_text="Waves that counted this weapon."),
                "labels": serializers.ListField(
                    child=serializers.CharField(), help_text="The labels as the source wrote them."
                ),
            },
            many=True,
        ),
    },
)


class WeaponsView(JSONErrorsMixin, GenericAPIView):
    """Launched and intercepted per weapon model or category and period, each count once."""

    queryset = WaveMunition.objects.filter(wave__is_draft=False)  # a draft wave is a proposal, not a count
    filter_backends = [StrictFilterBackend]
    filterset_class = WeaponFilterSet
    pagination_class = None
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    common_query_params = {"by", "period", "format"}

    @extend_schema(
        operation_id="weapons_table",  # not "_retrieve": the schema hook would add a detail's fields=/omit=
        summary="Weapons launched and intercepted",
        description=DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "by", str, enum=list(BY), default="model", description="Per catalogue model or per category."
            ),
            OpenApiParameter("period", str, enum=list(PERIODS), default="month", description="Period length."),
            OpenApiParameter("occurred_after", str, description="Waves started on or after (ISO date or date-time)."),
            OpenApiParameter(
                "occurred_before",
                str,
                description="Waves started on or before (ISO date or date-time; a date: that whole Kyiv day).",
            ),
            OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the same rows as a file."),
        ],
        responses={
            200: WeaponsResponse,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=f"Columns: {', '.join(CSV_COLUMNS)}."),
            400: docs.ERROR_RESPONSE,
        },
    )
    def get(self, request):
        by = request.query_params.get("by", "model")
        if by not in BY:
            raise bad_parameter("by", f"by must be one of {', '.join(BY)}.")
        period = request.query_params.get("period", "month")
        if period not in PERIODS:
            raise bad_parameter("period", f"period must be one of {', '.join(PERIODS)}.")
        filterset = StrictFilterBackend().get_valid_filterset(request, self.get_queryset(), self)
        head = {"by": by, "period": period, "timezone": str(timezone.get_current_timezone())}
        fmt = request.accepted_renderer.format
        if fmt == "json":
            # The rows' JSON written from text (weapons_json), around the renderer's own head: the
            # bytes the renderer would write for the whole, U+2028/2029 escaped as it does.
            results = weapons_json(filterset.qs, by=by, period=period)
            results = results.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            body = JSONRenderer().render(head)[:-1] + b',"results":' + results.encode() + b"}"
            return HttpResponse(body, content_type=request.accepted_renderer.media_type)
        rows = weapons_table(filterset.qs, by=by, period=period)
        if fmt == "csv":
            return self._csv(rows, by, period)
        return Response({**head, "results": rows})

    @staticmethod
    def _csv(rows: list[dict], by: str, period: str) -> HttpResponse:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row["period"] or "",
                    _cell(row["weapon"]),
                    "true" if row["combined"] else "false",
                    _cell("; ".join(row["parts"])),
                    row["category"] or "",
                    "" if row["launched"] is None else row["launched"],
                    "" if row["intercepted"] is None else row["intercepted"],
                    row["waves"],
                    _cell("; ".join(row["labels"])),
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="strikewatch-weapons-by-{by}-{period}.csv"'
        return response
