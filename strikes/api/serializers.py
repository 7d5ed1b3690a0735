"""Representations of the strikes resources.

The attack representation is built by ``attack_representation`` (plain dicts, no
per-field serializer machinery) because lists of 1,000 attacks and exports of a
million must stay fast; the declared DRF fields below exist so the OpenAPI schema
describes exactly what it returns (schemathesis checks the two agree).
"""

import datetime as dt

from django.db.models.query import ValuesIterable
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.choices import FigureStatus
from config.api import FieldsMixin
from sources.models import Article
from strikes.api.figures import CATEGORIES
from strikes.choices import (
    AttackStatus,
    GeoPrecision,
    MunitionCategory,
    PlaceKind,
    TargetType,
    TimePrecision,
)
from strikes.models import Attack, AttackMunition, Munition, Place, Wave

# --- Small pieces ---


def iso(moment):
    """A datetime as ISO 8601 in the project's time zone (what DRF would write)."""
    return None if moment is None else timezone.localtime(moment).isoformat()


class PlaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttackPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    oblast = PlaceRefSerializer(allow_null=True, help_text="The oblast (or Kyiv City, Crimea, Sevastopol).")


class AttackMunitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=MunitionCategory.choices)
    origin_country = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField(allow_null=True, help_text="How many, when a source says.")


class FigureSerializer(serializers.Serializer):
    best = serializers.IntegerField(allow_null=True)
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True, help_text="null: open-ended ('at least').")
    status = serializers.ChoiceField(choices=FigureStatus.choices)
    disputed = serializers.BooleanField()
    claim_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The claims it rests on.")


FiguresSerializer = type(
    "FiguresSerializer",
    (serializers.Serializer,),
    {category: FigureSerializer(allow_null=True) for category in CATEGORIES},
)


class OutletRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    grade = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Article id.")
    outlet = OutletRefSerializer(allow_null=True)
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)


# --- Attacks ---
#
# Lists, exports and the detail read attacks as ``values()`` rows (``AttackRow``), their
# munitions and sources as tuples: no model instances, no per-instance prefetch managers.
# That was most of the time of a list or a GeoJSON export (docs/PERFORMANCE.md).

# The attack columns the representation reads (place and oblast by join).
ATTACK_VALUES = (
    "id",
    "occurred_at",
    "time_precision",
    "place_id",
    "place__name",
    "place__kind",
    "place__oblast_id",
    "place__oblast__name",
    "latitude",
    "longitude",
    "geo_precision",
    "target_type",
    "description",
    "status",
    "retraction_reason",
    "wave_id",
    "killed_best",
    "injured_best",
    "disputed",
    "created_at",
    "updated_at",
)


class AttackRow(dict):
    """An attack as a ``values()`` row, readable like the model (``row.pk``, ``row.sort_key``)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def pk(self):
        return self["id"]


class AttackRowIterable(ValuesIterable):
    def __iter__(self):
        for row in super().__iter__():
            yield AttackRow(row)


def attack_rows(queryset):
    """``queryset`` yielding ``AttackRow``s of the columns shown (and its annotations, e.g. the
    sort key keyset paging reads)."""
    annotations = [name for name in queryset.query.annotations if not name.startswith("_")]
    rows = queryset.values(*ATTACK_VALUES, *annotations)
    rows._iterable_class = AttackRowIterable
    return rows


def attack_relations(ids, needs: set[str]) -> dict[str, dict]:
    """``{"munitions": {attack_id: [...]}, "sources": {attack_id: [...]}}`` for ``ids``, one
    query per relation asked for, in the order the representation lists them."""
    out: dict[str, dict] = {}
    if "munitions" in needs:
        munitions: dict[int, list] = {i: [] for i in ids}
        uses = (
            AttackMunition.objects.filter(attack_id__in=ids)
            .order_by("attack_id", "munition__name", "munition_id")
            .values_list(
                "attack_id", "munition_id", "munition__name", "munition__category", "munition__origin_country", "count"
            )
        )
        for attack_id, munition_id, name, category, origin, count in uses:
            munitions[attack_id].append(
                {"id": munition_id, "name": name, "category": category, "origin_country": origin, "count": count}
            )
        out["munitions"] = munitions
    if "sources" in needs:
        sources: dict[int, list] = {i: [] for i in ids}
        articles = (
            Article.objects.filter(attack_id__in=ids)
            .order_by("attack_id", "published_at", "id")
            .values_list(
                "attack_id",
                "id",
                "outlet_id",
                "outlet__name",
                "outlet__grade",
                "title",
                "canonical_url",
                "url",
                "published_at",
            )
        )
        tz = timezone.get_current_timezone()
        for attack_id, pk, outlet_id, outlet, grade, title, canonical, url, published in articles:
            sources[attack_id].append(
                {
                    "id": pk,
                    "outlet": None if outlet_id is None else {"id": outlet_id, "name": outlet, "grade": grade},
                    "title": title,
                    "url": canonical or url,
                    "published_at": None if published is None else published.astimezone(tz).isoformat(),
                }
            )
        out["sources"] = sources
    return out


def _iso(moment, context):
    return None if moment is None else moment.astimezone(context["tz"]).isoformat()


def _place(row):
    if row["place_id"] is None:
        return None
    if row["place__oblast_id"] is not None:
        oblast = {"id": row["place__oblast_id"], "name": row["place__oblast__name"]}
    elif row["place__kind"] == PlaceKind.OBLAST:
        oblast = {"id": row["place_id"], "name": row["place__name"]}
    else:
        oblast = None
    return {"id": row["place_id"], "name": row["place__name"], "kind": row["place__kind"], "oblast": oblast}


def _figures(row, context):
    mine = context.get("figures", {}).get(row["id"], {})
    return {category: mine.get(category) for category in CATEGORIES}


def _url(row, context):
    # reverse() and build_absolute_uri() once per request, not per row.
    if "url_parts" not in context:
        path = reverse("api-attack-detail", args=["__pk__"])
        request = context.get("request")
        url = request.build_absolute_uri(path) if request is not None else path
        context["url_parts"] = url.split("__pk__")
    head, tail = context["url_parts"]
    return f"{head}{row['id']}{tail}"


# Field name -> how to get it from (row, context). Order is the output order.
ATTACK_FIELDS = {
    "id": lambda a, c: a["id"],
    "event_id_cnty": lambda a, c: f"UKR-SW{a['id']}",
    "url": _url,
    "occurred_at": lambda a, c: _iso(a["occurred_at"], c),
    "time_precision": lambda a, c: a["time_precision"],
    "place": lambda a, c: _place(a),
    "latitude": lambda a, c: a["latitude"],
    "longitude": lambda a, c: a["longitude"],
    "geo_precision": lambda a, c: a["geo_precision"],
    "target_type": lambda a, c: a["target_type"],
    "description": lambda a, c: a["description"],
    "status": lambda a, c: a["status"],
    "retraction_reason": lambda a, c: a["retraction_reason"],
    "wave": lambda a, c: a["wave_id"],
    "munitions": lambda a, c: c["munitions"].get(a["id"], []),
    "killed_best": lambda a, c: a["killed_best"],
    "injured_best": lambda a, c: a["injured_best"],
    "disputed": lambda a, c: a["disputed"],
    "figures": _figures,
    "sources": lambda a, c: c["sources"].get(a["id"], []),
    "created_at": lambda a, c: _iso(a["created_at"], c),
    "updated_at": lambda a, c: _iso(a["updated_at"], c),
}

# Fields whose data needs another query; skipped when fields=/omit= leave them out.
FIELD_NEEDS = {"munitions": "munitions", "sources": "sources", "figures": "figures", "place": "place"}


def attack_representation(row, context, names) -> dict:
    """One attack (an ``AttackRow``) as the API shows it, limited to ``names``.

    ``context`` holds the request, ``tz``, and the ``munitions``/``sources``/``figures``
    of the rows being shown (``attack_relations``, ``figures_for``)."""
    context.setdefault("tz", timezone.get_current_timezone())
    return {name: ATTACK_FIELDS[name](row, context) for name in names}


class AttackSerializer(FieldsMixin, serializers.Serializer):
    """An attack with its place, munitions, published figures and sources."""

    id = serializers.IntegerField(help_text="Stable id.")
    event_id_cnty = serializers.CharField(help_text="Stable public id in ACLED's style: UKR-SW<id>.")
    url = serializers.URLField(help_text="This attack in the API.")
    occurred_at = serializers.DateTimeField()
    time_precision = serializers.ChoiceField(choices=TimePrecision.choices)
    place = AttackPlaceSerializer(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    geo_precision = serializers.ChoiceField(
        choices=GeoPrecision.choices, help_text="1 exact, 2 near, 3 district, 4 city, 5 oblast, 6 country."
    )
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    description = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=AttackStatus.choices)
    retraction_reason = serializers.CharField(allow_blank=True)
    wave = serializers.IntegerField(allow_null=True, help_text="The nightly wave it was part of.")
    munitions = AttackMunitionSerializer(many=True)
    killed_best = serializers.IntegerField(allow_null=True, help_text="Published best figure (decided mode).")
    injured_best = serializers.IntegerField(allow_null=True, help_text="Published best figure (decided mode).")
    disputed = serializers.BooleanField(help_text="Sources disagree on a published figure.")
    figures = FiguresSerializer(help_text="Per category, the figure in the mode asked for (null: none).")
    sources = SourceSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        # Only for the schema generator's sake: the views build representations in bulk
        # (``AttackViewSet.represent``) from rows.
        row = attack_rows(Attack.objects.filter(pk=instance.pk)).get()
        needs = set(FIELD_NEEDS.values())
        context = {**self.context, **attack_relations([row["id"]], needs)}
        return attack_representation(row, context, list(self.fields))


class MunitionUseSerializer(serializers.Serializer):
    munition = serializers.PrimaryKeyRelatedField(
        queryset=Munition.objects.all(), style={"base_template": "input.html"}
    )
    count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AttackWriteSerializer(serializers.ModelSerializer):
    """What analysts send to create or edit an attack (status changes have their own actions)."""

    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), required=False, allow_null=True, style={"base_template": "input.html"}
    )
    wave = serializers.PrimaryKeyRelatedField(
        queryset=Wave.objects.all(), required=False, allow_null=True, style={"base_template": "input.html"}
    )
    munitions = MunitionUseSerializer(many=True, required=False, help_text="Replaces the whole list when given.")
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    class Meta:
        model = Attack
        fields = [
            "occurred_at",
            "time_precision",
            "place",
            "latitude",
            "longitude",
            "geo_precision",
            "target_type",
            "description",
            "wave",
            "munitions",
        ]

    def validate_occurred_at(self, value):
        # Years before 1900 are typos here, and their historic local offsets (LMT) are not RFC 3339.
        if value.year < 1900 or value > timezone.now() + dt.timedelta(days=1):
            raise serializers.ValidationError("The attack must have happened between 1900 and now.")
        return value

    def validate_munitions(self, value):
        ids = [item["munition"].pk for item in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("A munition is listed twice.")
        return value

    @staticmethod
    def service_kwargs(validated: dict) -> dict:
        kwargs = dict(validated)
        if "munitions" in kwargs:
            kwargs["munitions"] = [
                {"munition": m["munition"], "count": m.get("count"), "quote": m.get("quote", "")}
                for m in kwargs["munitions"]
            ]
        return kwargs


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why the attack is withdrawn (kept in the history).")


# --- Reference data ---


class PlaceSerializer(FieldsMixin, serializers.ModelSerializer):
    """A gazetteer entry."""

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "aliases",
            "kind",
            "parent",
            "oblast",
            "latitude",
            "longitude",
            "population",
            "geonames_id",
        ]


class MunitionSerializer(FieldsMixin, serializers.ModelSerializer):
    """A weapon in the catalogue."""

    class Meta:
        model = Munition
        fields = ["id", "name", "aliases", "category", "origin_country", "nato_name", "is_generic", "description"]


class WaveCountSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The weapon as the source named it.")
    munitions = PlaceRefSerializer(many=True, help_text="Catalogue munitions the label names (id, name).")
    launched = serializers.IntegerField(allow_null=True)
    intercepted = serializers.IntegerField(allow_null=True)


class WaveSerializer(FieldsMixin, serializers.ModelSerializer):
    """A night's nationwide attack with launched and intercepted counts per munition."""

    launched = serializers.SerializerMethodField(help_text="Sum over the counts (null if none given).")
    intercepted = serializers.SerializerMethodField(help_text="Sum over the counts (null if none given).")
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Wave
        fields = [
            "id",
            "started_at",
            "ended_at",
            "description",
            "source",
            "launched",
            "intercepted",
            "counts",
            "updated_at",
        ]

    @staticmethod
    def _total(wave, attr):
        values = [getattr(c, attr) for c in wave.counts.all() if getattr(c, attr) is not None]
        return sum(values) if values else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_launched(self, wave):
        return self._total(wave, "launched")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_intercepted(self, wave):
        return self._total(wave, "intercepted")

    @extend_schema_field(WaveCountSerializer(many=True))
    def get_counts(self, wave):
        return [
            {
                "label": c.label,
                "munitions": [{"id": m.pk, "name": m.name} for m in c.munitions.all()],
                "launched": c.launched,
                "intercepted": c.intercepted,
            }
            for c in wave.counts.all()
        ]
