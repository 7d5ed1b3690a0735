"""Representations of the strikes resources.

The attack representation is built by ``attack_representation`` (plain dicts, no
per-field serializer machinery) because lists of 1,000 attacks and exports of a
million must stay fast; the declared DRF fields below exist so the OpenAPI schema
describes exactly what it returns (schemathesis checks the two agree).
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.choices import FigureStatus
from config.api import FieldsMixin
from strikes.api.figures import CATEGORIES
from strikes.choices import (
    AttackStatus,
    GeoPrecision,
    MunitionCategory,
    PlaceKind,
    TargetType,
    TimePrecision,
)
from strikes.models import Attack, Munition, Place, Wave

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


def _place(attack):
    place = attack.place
    if place is None:
        return None
    oblast = place.oblast if place.oblast_id else (place if place.kind == PlaceKind.OBLAST else None)
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "oblast": None if oblast is None else {"id": oblast.pk, "name": oblast.name},
    }


def _munitions(attack):
    return [
        {
            "id": am.munition_id,
            "name": am.munition.name,
            "category": am.munition.category,
            "origin_country": am.munition.origin_country,
            "count": am.count,
        }
        for am in attack.attack_munitions.all()
    ]


def _sources(attack):
    return [
        {
            "id": article.pk,
            "outlet": None
            if article.outlet_id is None
            else {"id": article.outlet_id, "name": article.outlet.name, "grade": article.outlet.grade},
            "title": article.title,
            "url": article.canonical_url or article.url,
            "published_at": iso(article.published_at),
        }
        for article in attack.articles.all()
    ]


def _figures(attack, context):
    mine = context.get("figures", {}).get(attack.pk, {})
    return {category: mine.get(category) for category in CATEGORIES}


def _url(attack, context):
    path = reverse("api-attack-detail", args=[attack.pk])
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# Field name -> how to get it from (attack, context). Order is the output order.
ATTACK_FIELDS = {
    "id": lambda a, c: a.pk,
    "event_id_cnty": lambda a, c: a.event_id_cnty,
    "url": _url,
    "occurred_at": lambda a, c: iso(a.occurred_at),
    "time_precision": lambda a, c: a.time_precision,
    "place": lambda a, c: _place(a),
    "latitude": lambda a, c: a.latitude,
    "longitude": lambda a, c: a.longitude,
    "geo_precision": lambda a, c: a.geo_precision,
    "target_type": lambda a, c: a.target_type,
    "description": lambda a, c: a.description,
    "status": lambda a, c: a.status,
    "retraction_reason": lambda a, c: a.retraction_reason,
    "wave": lambda a, c: a.wave_id,
    "munitions": lambda a, c: _munitions(a),
    "killed_best": lambda a, c: a.killed_best,
    "injured_best": lambda a, c: a.injured_best,
    "disputed": lambda a, c: a.disputed,
    "figures": _figures,
    "sources": lambda a, c: _sources(a),
    "created_at": lambda a, c: iso(a.created_at),
    "updated_at": lambda a, c: iso(a.updated_at),
}

# Fields whose data needs another query; skipped when fields=/omit= leave them out.
FIELD_NEEDS = {"munitions": "munitions", "sources": "sources", "figures": "figures", "place": "place"}


def attack_representation(attack, context, names) -> dict:
    """One attack as the API shows it, limited to ``names``."""
    return {name: ATTACK_FIELDS[name](attack, context) for name in names}


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
        return attack_representation(instance, self.context, list(self.fields))


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
