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
import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import DateField, Q
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


@dataclass
class _Row:
    """One weapon (or combination) in one period, while the counts are added up."""

    period: dt.date | None
    weapon: str
    parts: list[str]
    category: str | None
    launched: int | None = None
    intercepted: int | None = None
    waves: set = field(default_factory=set)
    labels: set = field(default_factory=set)

    def add(self, launched: int | None, intercepted: int | None, wave_id: int, label: str) -> None:
        # An unknown count stays unknown rather than reading as 0; known counts add up.
        if launched is not None:
            self.launched = (self.launched or 0) + launched
        if intercepted is not None:
            self.intercepted = (self.intercepted or 0) + intercepted
        self.waves.add(wave_id)
        self.labels.add(label)

    def as_dict(self) -> dict:
        return {
            "period": self.period.isoformat() if self.period else None,
            "weapon": self.weapon,
            "combined": len(self.parts) > 1,
            "parts": self.parts,
            "category": self.category,
            "launched": self.launched,
            "intercepted": self.intercepted,
            "waves": len(self.waves),
            "labels": sorted(self.labels),
        }


def weapons_table(queryset, *, by: str, period: str) -> list[dict]:
    """The rows of the answer for the ``WaveMunition`` rows of ``queryset`` (two queries)."""
    tz = timezone.get_current_timezone()
    counts = queryset.order_by().values_list("label", "launched", "intercepted", "wave_id")
    if period != "all":
        # The period's first day in the zone, computed by PostgreSQL: no per-row conversion here.
        counts = counts.annotate(day=Trunc("wave__started_at", period, output_field=DateField(), tzinfo=tz))
    counts = counts.annotate(ids=ArrayAgg("munitions", filter=Q(munitions__isnull=False), distinct=True, default=[]))
    catalogue = {m["id"]: m for m in Munition.objects.values("id", "name", "category")}
    shapes: dict[tuple, tuple] = {}  # one answer row's identity per label and set of models, worked out once

    def shape(label: str, ids: tuple) -> tuple:
        models = sorted((catalogue[i] for i in ids), key=lambda m: m["name"].casefold())
        if by == "model":
            if not models:
                return (label,), [label], label, None
            parts = [m["name"] for m in models]
            categories = {m["category"] for m in models}
            return (
                tuple(m["id"] for m in models),
                parts,
                " + ".join(parts),
                (categories.pop() if len(categories) == 1 else None),
            )
        parts = sorted({m["category"] for m in models}) or [UNCATALOGUED]
        return tuple(parts), parts, " + ".join(parts), parts[0] if len(parts) == 1 else None

    rows: dict[tuple, _Row] = {}
    for label, launched, intercepted, wave_id, *rest in counts:
        day = rest[0] if period != "all" else None
        ids = tuple(rest[-1])
        memo = (ids, label if not ids and by == "model" else None)
        found = shapes.get(memo)
        if found is None:
            found = shapes[memo] = shape(label, ids)
        key, parts, weapon, category = found
        row = rows.get((day, key))
        if row is None:
            row = rows[(day, key)] = _Row(day, weapon, list(parts), category)
        row.add(launched, intercepted, wave_id, label)
    ordered = sorted(rows.values(), key=lambda r: (r.period or dt.date.min, -(r.launched or 0), r.weapon.casefold()))
    return [row.as_dict() for row in ordered]


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
        rows = weapons_table(filterset.qs, by=by, period=period)
        if request.accepted_renderer.format == "csv":
            return self._csv(rows, by, period)
        return Response({"by": by, "period": period, "timezone": str(timezone.get_current_timezone()), "results": rows})

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
