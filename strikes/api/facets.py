"""Facet counts: how many of the attacks the filters select fall in each oblast, munition
category and evidence grade, as Datasette shows them beside a table's filter choices.

Every filter applies to every facet (the counts describe the current selection), so two
GROUP BY queries answer all three: one over the attacks by (oblast, grade), summed in Python
per facet, and one over their munitions by category (an attack with two cruise missiles counts
once under cruise missiles; one with a missile and a drone counts under both).
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


def facet_counts(filterset) -> dict:
    """The facets of ``filterset.qs``, biggest first (ties by label); empty buckets left out."""
    qs = filterset.qs.order_by()
    oblasts: dict = {}
    grades: dict = {}
    total = 0
    for row in qs.values("oblast_id", "oblast__name", "grade").annotate(n=Count("pk")):
        total += row["n"]
        if row["oblast_id"] is not None:
            key = str(row["oblast_id"])
            label = row["oblast__name"]
            oblasts[key] = (label, oblasts.get(key, (label, 0))[1] + row["n"])
        grades[row["grade"]] = grades.get(row["grade"], 0) + row["n"]
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
