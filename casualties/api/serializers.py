"""Serializers for claims and decisions. Writes go through casualties.services."""

from rest_framework import serializers

from casualties.choices import Category, ClaimRank, Qualifier
from casualties.models import Claim, Decision
from config.api import FieldsMixin, RefuseUnknownFieldsMixin
from config.roles import public_name
from sources.models import Article
from strikes.models import Attack


class ClaimSerializer(FieldsMixin, serializers.ModelSerializer):
    """A claim as readers see it: the figure, its interval, its source and whether it still counts."""

    outlet = serializers.SerializerMethodField()
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "attack",
            "category",
            "value",
            "qualifier",
            "low",
            "high",
            "quote",
            "quote_start",
            "quote_end",
            "reported_at",
            "article",
            "outlet",
            "source_label",
            "origin",
            "rank",
            "rank_reason",
            "withdrawn",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_outlet(self, claim) -> dict | None:
        outlet = claim.article.outlet if claim.article_id and claim.article else None
        if outlet is None:
            return None
        return {"id": outlet.pk, "name": outlet.name, "grade": outlet.grade}

    def get_withdrawn(self, claim) -> bool:
        return claim.withdrawn_at is not None


class ClaimCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Input for ``claim_record``: low and high are derived from value and qualifier when left out."""

    attack = serializers.PrimaryKeyRelatedField(queryset=Attack.objects.all())
    category = serializers.ChoiceField(choices=Category.choices)
    value = serializers.IntegerField(min_value=0)
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, default=Qualifier.EXACT)
    low = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    high = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    reported_at = serializers.DateTimeField()
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), required=False, allow_null=True)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    quote_start = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    quote_end = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    # Provenance is the server's: a claim posted here was entered by hand by the signed-in user.
    # Declared read-only so a body that sends them gets a 400 saying so.
    origin = serializers.CharField(read_only=True)
    created_by = serializers.IntegerField(read_only=True)

    def validate(self, data):
        if not data.get("article") and not (data.get("source_label") or "").strip():
            raise serializers.ValidationError({"source_label": "Give an article or a source label."})
        return data


class ClaimUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Analysts' corrections (``claim_update``); rank is the editors' and goes through a decision."""

    category = serializers.ChoiceField(choices=Category.choices, required=False)
    value = serializers.IntegerField(min_value=0, required=False)
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, required=False)
    low = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    high = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    reported_at = serializers.DateTimeField(required=False)
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), required=False, allow_null=True)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField(required=False, allow_blank=True)
    quote_start = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    quote_end = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class WithdrawSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(help_text="Why the claim is withdrawn (kept in its history).")


class DecisionSerializer(FieldsMixin, serializers.ModelSerializer):
    """One version of an editor's figure."""

    claims = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "attack",
            "category",
            "version",
            "is_current",
            "best",
            "low",
            "high",
            "claims",
            "claim_ranks",
            "rationale",
            "source_label",
            "decided_by",
            "restored_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_claims(self, decision) -> list[int]:
        return sorted(c.pk for c in decision.claims.all())

    def get_decided_by(self, decision) -> str | None:
        """The editor's public name (``config.roles.public_name``), never their username."""
        return public_name(decision.decided_by) if decision.decided_by_id else None


class ClaimRankSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    rank = serializers.ChoiceField(choices=ClaimRank.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Input for ``decision_make``. ``expected_version`` is the version you read (0 when none)."""

    attack = serializers.PrimaryKeyRelatedField(queryset=Attack.objects.all())
    category = serializers.ChoiceField(choices=Category.choices)
    best = serializers.IntegerField(min_value=0)
    low = serializers.IntegerField(min_value=0)
    high = serializers.IntegerField(min_value=0, allow_null=True)
    rationale = serializers.CharField()
    expected_version = serializers.IntegerField(
        min_value=0, help_text="The current version you based this on; 0 when there was no decision."
    )
    claim_ranks = serializers.DictField(child=ClaimRankSerializer(), required=False, default=dict)
    rests_on = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_null=True)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_claim_ranks(self, value):
        out = {}
        for key, spec in value.items():
            try:
                out[int(key)] = spec
            except ValueError:
                raise serializers.ValidationError(f"'{key}' is not a claim id.") from None
        return out


class RestoreSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=0, help_text="The current version you based this on.")
