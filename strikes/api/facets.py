"""Facet counts: how many of the attacks the filters select fall in each oblast, munition
category and evidence grade, as Datasette shows them beside a table's filter choices.

Every filter applies to the oblast and munition category counts (they describe the current
selection). The grade counts apply every filter but grade itself, and count discounted attacks
too: the grades are ticked several at a time, so each box says how many it would show (the
current selection is the sum over the grades asked for, or over all but discounted).

Two GROUP BY queries answer all three: one over the attacks by (oblast, grade) with the grade
filter lifted, summed in Python per facet (the oblast counts only over the grades selected), and
one over their munitions by category (an attack with two cruise missiles counts once under
cruise missiles; one with a missile and a drone counts under both).
"""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from strikes.api import docs
from strikes.api.aggregates import AggregateView, cached
from strikes.choices import EvidenceGrade, MunitionCategory
from strikes.models import AttackMunition

FACETS = ("oblast", "munition_category", "grade")

_Bucket = inline_serializer(
    "FacetBucket",
    {
        "value": serializers.CharField(help_text="The filter value that selects these attacks."),
        "label": serializers.CharField(),
        "count": serializers.IntegerField(),
    },
    many=True,
)
FacetsResponse = inline_serializer(
    "Facets",
    {
        "count": serializers.IntegerField(help_text="Attacks the filters select."),
        "oblast": _Bucket,
        "munition_category": _Bucket,
        "grade": _Bucket,
    },
)


def _every_grade(filterset):
    """The same filters with grade= naming every grade (discounted included)."""
    data = filterset.data.copy()
    data["grade"] = ",".join(EvidenceGrade.values)
    lifted = type(filterset)(data, queryset=filterset.queryset, request=filterset.request)
    lifted.is_valid()  # the filters were valid already; grade names only known values
    return lifted


def facet_counts(filterset) -> dict:
    """The facets of ``filterset.qs``, biggest first (ties by label); empty buckets left out."""
    qs = filterset.qs.order_by()
    selected = set(filterset.form.cleaned_data.get("grade") or []) or set(EvidenceGrade.values) - {
        EvidenceGrade.DISCOUNTED
    }
    oblasts: dict = {}
    grades: dict = {}
    total = 0
    rows = _every_grade(filterset).qs.order_by().values("oblast_id", "oblast__name", "grade")
    for row in rows.annotate(n=Count("pk")):
        grades[row["grade"]] = grades.get(row["grade"], 0) + row["n"]
        if row["grade"] not in selected:
            continue
        total += row["n"]
        if row["oblast_id"] is not None:
            key = str(row["oblast_id"])
            label = row["oblast__name"]
            oblasts[key] = (label, oblasts.get(key, (label, 0))[1] + row["n"])
    categories = (
        AttackMunition.objects.filter(attack__in=qs.values("pk"))
        .order_by()
        .values("munition__category")
        .annotate(n=Count("attack_id", distinct=True))
    )
    category_labels = dict(MunitionCategory.choices)
    grade_labels = dict(EvidenceGrade.choices)
    by_category = {row["munition__category"]: row["n"] for row in categories}

    def buckets(items):
        return sorted(
            ({"value": v, "label": label, "count": n} for v, (label, n) in items),
            key=lambda b: (-b["count"], b["label"]),
        )

    return {
        "count": total,
        "oblast": buckets(oblasts.items()),
        "munition_category": buckets((c, (category_labels.get(c, c), n)) for c, n in by_category.items()),
        "grade": buckets((g, (grade_labels.get(g, g), n)) for g, n in grades.items()),
    }


class FacetsView(AggregateView):
    """Counts per oblast, munition category and evidence grade of the attacks the filters select."""

    common_query_params = {"format"}

    @extend_schema(
        summary="Facet counts",
        description=__doc__,
        parameters=[*docs.ATTACK_FILTER_PARAMETERS],
        responses={200: FacetsResponse, 400: docs.ERROR_RESPONSE},
    )
    def get(self, request):
        filterset = self.valid_filterset(request)
        return Response(cached(request, "facets", lambda: facet_counts(filterset)))
