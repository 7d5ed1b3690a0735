"""Serializers of the strikes resources: the attack representation's nested shapes (its
fields are declared in ``strikes.api.representation``), attack writes, reference data."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casualties.choices import Category, FigureStatus
from config.api import FieldsMixin, RefuseUnknownFieldsMixin
from strikes.choices import MunitionCategory, PlaceKind
from strikes.models import Attack, Munition, Place, Wave

# --- The attack representation's nested shapes (its schema: strikes.api.representation) ---


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
    {category: FigureSerializer(allow_null=True) for category in Category.values},
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


# --- Attack writes ---


class MunitionUseSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    munition = serializers.PrimaryKeyRelatedField(
        queryset=Munition.objects.all(), style={"base_template": "input.html"}
    )
    count = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AttackWriteSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
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
        if value.year < 1900:
            raise serializers.ValidationError("The attack must have happened between 1900 and now.")
        # The service refuses it too (every path); here it is refused before anything else is checked.
        if value > timezone.now() + dt.timedelta(minutes=settings.ATTACK_CLOCK_SKEW_MINUTES):
            raise serializers.ValidationError("The attack cannot have happened in the future; check the date and time.")
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


class RetractSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
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
