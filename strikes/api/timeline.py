"""The timeline: attacks and figures per day, week or month, computed in SQL (from the
per-day summary table when the filters allow)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from casualties.models import PublishedFigure
from config.api import bad_parameter
from config.replicas import read_alias
from strikes.api import asof, docs
from strikes.api.aggregates import (
    SUMMARY_TIME_ZONE,
    TIMELINE_SUMMARY_FILTERS,
    AggregateView,
    active_filters,
    cached,
    summary_where,
)
from strikes.api.representation import FIGURE_MODES, FIGURE_PARTS
from strikes.filtersets import date_range
from strikes.models import Attack, WaveMunition

BUCKETS = ("day", "week", "month")
# Zero-filled periods are only added up to this many (a filter reaching back centuries
# should not make a response of 100,000 empty days).
MAX_FILLED_PERIODS = 20_000

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
                "killed": serializers.IntegerField(help_text="Sum of published figures in the figures= mode."),
                "injured": serializers.IntegerField(help_text="Sum of published figures in the figures= mode."),
                **{
                    f"{category}_{part}": serializers.IntegerField(
                        required=False,
                        allow_null=True,
                        help_text=f"figures=range only: sum of the {part} ends (null: one is open-ended).",
                    )
                    for category in ("killed", "injured")
                    for part in ("low", "high")
                },
                "launched": serializers.IntegerField(help_text="From waves; date range only."),
                "intercepted": serializers.IntegerField(help_text="From waves; date range only."),
            },
            many=True,
        ),
    },
)


class TimelineView(AggregateView):
    """Attacks, killed and injured per day, week or month; launched and intercepted from waves."""

    common_query_params = {"bucket", "format", "figures", asof.AS_OF}

    @extend_schema(
        summary="Timeline",
        description=docs.TIMELINE,
        parameters=[
            OpenApiParameter(
                "bucket", str, enum=list(BUCKETS), default="day", description="Period length.", examples=docs.ex("week")
            ),
            docs.FIGURES_PARAMETER,
            asof.AS_OF_PARAMETER,
            *docs.ATTACK_FILTER_PARAMETERS,
        ],
        responses={200: TimelineResponse, 400: docs.ERROR_RESPONSE},
    )
    def get(self, request):
        bucket = request.query_params.get("bucket", "day")
        if bucket not in BUCKETS:
            raise bad_parameter("bucket", f"bucket must be one of {', '.join(BUCKETS)}.")
        mode = request.query_params.get("figures", "decided")
        if mode not in FIGURE_MODES:
            raise bad_parameter("figures", f"figures must be one of {', '.join(FIGURE_MODES)}.")
        filterset = self.valid_filterset(request)
        # The decided figures are the attacks' own; the other modes sum the published figures.
        return asof.answer(
            request,
            lambda: Response(cached(request, "timeline", lambda: self.timeline(filterset, bucket, mode))),
            figures=mode != "decided",
            # The decided timeline reads the summaries; the attacks only for the parts of days
            # at its bounds, or when the summaries cannot answer (asof.attacks() first).
            attacks=mode != "decided",
        )

    @staticmethod
    def timeline(filterset, bucket: str, mode: str = "decided") -> dict:
        tz = timezone.get_current_timezone()
        # The summary tables hold the decided figures; another mode sums the published figures.
        attacks = summary_timeline(filterset, bucket) if mode == "decided" else None
        if attacks is None:
            asof.attacks()  # (a snapshot's attacks, when it had not rebuilt them)
            attacks = live_timeline(filterset.qs, bucket)
        ranges = {} if mode == "decided" else figure_sums(filterset.qs, bucket, mode)
        start, end, end_exclusive = date_range(filterset.form.cleaned_data)
        counts = WaveMunition.objects.filter(wave__is_draft=False)  # drafts are proposals, not counts
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
        # Zeros from the first requested period to the last (a researcher's series has no
        # holes at its ends); without a bound, from the first or to the last with data.
        first = _period_start(start, bucket) if start is not None else min(periods, default=None)
        if end is not None:
            last = _period_start(end - dt.timedelta(microseconds=1) if end_exclusive else end, bucket)
        else:
            last = max(periods, default=None)
        if first is not None and last is not None:
            day = first
            filled = 0
            while day <= last and filled < MAX_FILLED_PERIODS:
                results.append(periods.get(day) or slot(day))
                day = _next_period(day, bucket)
                filled += 1
            if filled >= MAX_FILLED_PERIODS:  # only the periods with data beyond the cap
                results += [periods[d] for d in sorted(periods) if d >= day]
        for entry in results:
            if mode != "decided":
                sums = ranges.get(entry["period"], {})
                entry["killed"] = sums.get("killed_best") or 0
                entry["injured"] = sums.get("injured_best") or 0
                if mode == "range":
                    for key in ("killed_low", "killed_high", "injured_low", "injured_high"):
                        entry[key] = sums.get(key, 0)
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


def figure_sums(queryset, bucket: str, mode: str) -> dict[dt.date, dict]:
    """``{period: {"killed_best": n, "killed_low": n, "killed_high": n or None, ...}}``: the
    published killed and injured figures of the attacks in ``mode`` (casualties.reconcile's
    parts), summed per period. A high end is None where any attack's is open-ended."""
    best, low, high = FIGURE_PARTS[mode]
    tz = timezone.get_current_timezone()
    rows = (
        PublishedFigure.objects.filter(attack__in=queryset.order_by().values("pk"), category__in=["killed", "injured"])
        .annotate(period=Trunc("attack__occurred_at", bucket, output_field=DateField(), tzinfo=tz))
        .values("period", "category")
        .annotate(best=Sum(best), low=Sum(low), high=Sum(high), open=Count("id", filter=Q(**{f"{high}__isnull": True})))
    )
    sums: dict[dt.date, dict] = {}
    for row in rows:
        entry = sums.setdefault(_period_start(row["period"], bucket), {})
        category = row["category"]
        entry[f"{category}_best"] = entry.get(f"{category}_best", 0) + (row["best"] or 0)
        entry[f"{category}_low"] = entry.get(f"{category}_low", 0) + (row["low"] or 0)
        high_sum = None if row["open"] or entry.get(f"{category}_high", 0) is None else row["high"] or 0
        entry[f"{category}_high"] = None if high_sum is None else entry.get(f"{category}_high", 0) + high_sum
    return sums


def summary_timeline(filterset, bucket: str) -> list[tuple[dt.date, int, int, int]] | None:
    """``live_timeline`` of the filterset from the daily summary, or None when it cannot answer
    (another zone, another filter, a date range without a whole day).

    Whole Kyiv days come from the summary; the part of a day cut by a bound given with a time
    (``occurred_after=2025-04-24T12:00``) is read from the attacks and added to its period.
    """
    if str(timezone.get_current_timezone()) != SUMMARY_TIME_ZONE:
        return None
    if asof.active() and not asof.summaries("timeline"):  # the snapshot's sums, when it can (asof.summaries)
        return None
    if not active_filters(filterset) <= TIMELINE_SUMMARY_FILTERS:
        return None
    zone = ZoneInfo(SUMMARY_TIME_ZONE)

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone)

    where, params = summary_where(filterset)
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
    with connections[read_alias(Attack)].cursor() as cursor:
        period = "day" if bucket == "day" else f"date_trunc('{bucket}', day::timestamp)::date"  # one of BUCKETS
        cursor.execute(
            f"SELECT {period}, sum(attacks)::bigint, sum(killed)::bigint,"  # noqa: S608
            f" sum(injured)::bigint FROM {table} WHERE {' AND '.join(where)} GROUP BY 1 ORDER BY 1",
            params,
        )
        rows = cursor.fetchall()
    if edges:
        asof.attacks()  # (a snapshot's attacks, when it had not rebuilt them)
    for edge in edges:
        rows += live_timeline(edge, bucket)
    return rows
