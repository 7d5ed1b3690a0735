"""Figures: every claim from every source, the editors' decisions, and the published result."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from casualties.choices import Category, ClaimOrigin, ClaimRank, FigureStatus, ProposalKind, ProposalStatus, Qualifier
from config.db import TimeStampedModel, choices_check
from strikes.choices import EvidenceGrade


# as_of= and /changes/ ask for the events since a time: an index, as on the attack's events.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="casualties_claimevent_created")]},
)
class Claim(TimeStampedModel):
    """One figure (killed, injured, launched...) from one source about one attack, as an interval [low, high]."""

    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="claims")
    article = models.ForeignKey(
        "sources.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # For figures from a dataset or a person rather than an article ("UCDP GED 22.1", "ACLED").
    source_label = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    value = models.PositiveIntegerField(help_text="The number as written.")
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when open-ended ('at least 12').")
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    quote = models.TextField(blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    reported_at = models.DateTimeField(help_text="When the source published this figure.")
    origin = models.CharField(max_length=10, choices=ClaimOrigin.choices, default=ClaimOrigin.ENTERED)
    rank = models.CharField(max_length=10, choices=ClaimRank.choices, default=ClaimRank.NORMAL)
    rank_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn by an analyst; kept, never deleted."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A claim that reached a published attack from the pipeline or an analyst waits for an
    # editor: shown to staff and in the editors' queue, not counted in the published figure.
    pending_review = models.BooleanField(
        default=False, db_default=False, help_text="Recorded on a published attack; counts once an editor accepts it."
    )

    class Meta:
        ordering = ["attack", "category", "reported_at", "id"]
        constraints = [
            choices_check("category", Category, "casualties_claim_category_valid"),
            choices_check("qualifier", Qualifier, "casualties_claim_qualifier_valid"),
            choices_check("origin", ClaimOrigin, "casualties_claim_origin_valid"),
            choices_check("rank", ClaimRank, "casualties_claim_rank_valid"),
            models.CheckConstraint(
                condition=models.Q(high__isnull=True) | models.Q(high__gte=models.F("low")),
                name="casualties_claim_high_not_below_low",
            ),
            models.CheckConstraint(
                condition=~models.Q(rank=ClaimRank.DEPRECATED) | ~models.Q(rank_reason=""),
                name="casualties_claim_deprecation_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | ~models.Q(source_label=""),
                name="casualties_claim_has_source",
            ),
            # Linking the same article twice must not add a second extracted claim.
            models.UniqueConstraint(
                fields=["attack", "article", "category"],
                condition=models.Q(origin=ClaimOrigin.EXTRACTED),
                name="casualties_claim_one_extracted_per_article",
            ),
        ]
        indexes = [
            models.Index(
                fields=["attack", "category"], name="casualties_claim_attack_cat"
            ),  # reconciliation per figure
            models.Index(fields=["updated_at"], name="casualties_claim_updated"),  # updated_since sync
            models.Index(fields=["article"], name="casualties_claim_article"),  # an article's claims (review screen)
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.qualifier} {self.value} (attack {self.attack_id})"


# as_of= and /changes/ ask for the events since a time: an index, as on the attack's events.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="casualties_decevent_created")]},
)
class Decision(TimeStampedModel):
    """One version of an editor's figure for (attack, category); every save adds a version."""

    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="decisions")
    category = models.CharField(max_length=20, choices=Category.choices)
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    best = models.PositiveIntegerField()
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField(null=True, blank=True)
    claims = models.ManyToManyField(Claim, blank=True, related_name="decisions")
    # Claim ranks as set with this version ({claim_id: {"rank": ..., "reason": ...}}), so a restore restores them.
    claim_ranks = models.JSONField(default=dict, blank=True)
    rationale = models.TextField()
    source_label = models.CharField(max_length=200, blank=True, help_text="For decisions taken from a dataset (UCDP).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["attack", "category", "-version"]
        constraints = [
            choices_check("category", Category, "casualties_decision_category_valid"),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("best")), name="casualties_decision_low_not_above_best"
            ),
            models.CheckConstraint(
                condition=models.Q(high__isnull=True) | models.Q(high__gte=models.F("best")),
                name="casualties_decision_high_not_below_best",
            ),
            models.UniqueConstraint(
                fields=["attack", "category", "version"], name="casualties_decision_version_unique"
            ),
            models.UniqueConstraint(
                fields=["attack", "category"],
                condition=models.Q(is_current=True),
                name="casualties_decision_one_current",
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="casualties_decision_updated")]  # updated_since sync

    def __str__(self) -> str:
        return f"{self.category} v{self.version}: {self.best} (attack {self.attack_id})"


class PublishedFigure(models.Model):
    """The figure shown everywhere for (attack, category): decision, consensus, or disputed range.

    Derived from claims and decisions by the figures service and stored, so the API,
    map, timeline and exports read one row instead of reconciling on every request.
    """

    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="figures")
    category = models.CharField(max_length=20, choices=Category.choices)
    status = models.CharField(max_length=10, choices=FigureStatus.choices)
    best = models.PositiveIntegerField(null=True, blank=True)
    low = models.PositiveIntegerField(null=True, blank=True)
    high = models.PositiveIntegerField(null=True, blank=True)
    claim_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # The other API modes (figures=conservative|range), stored beside the default so any
    # mode is one indexed read per page of attacks (casualties.reconcile defines them).
    conservative = models.PositiveIntegerField(null=True, blank=True, help_text="Lowest credible value (ACLED).")
    range_low = models.PositiveIntegerField(null=True, blank=True, help_text="Lowest reported value (Airwars).")
    range_high = models.PositiveIntegerField(null=True, blank=True, help_text="Highest reported value (Airwars).")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conflict = models.JSONField(null=True, blank=True, help_text="Which claims disagree and by how much.")
    # Queue order: larger disagreements and larger tolls first.
    severity = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attack", "category"]
        constraints = [
            choices_check("category", Category, "casualties_publishedfigure_category_valid"),
            choices_check("status", FigureStatus, "casualties_publishedfigure_status_valid"),
            models.UniqueConstraint(fields=["attack", "category"], name="casualties_publishedfigure_one_per_category"),
        ]
        indexes = [
            models.Index(
                fields=["status", "-severity"], name="casualties_pf_queue"
            ),  # editors' queue, most severe first
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.best} [{self.low}, {self.high}] ({self.status})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Proposal(TimeStampedModel):
    """An analyst's change to what the public sees of a published attack, waiting for an editor.

    ``changes`` holds the proposed values in JSON form (ids for the place and munitions, ISO
    text for times): for an attack edit, the fields to set; for a claim edit, the claim's
    fields; for a withdrawal, nothing (the reason is ``reason``). An editor applies it (the
    change is made through the ordinary service, in the editor's name) or rejects it.
    """

    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="proposals")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_check("kind", ProposalKind, "casualties_proposal_kind_valid"),
            choices_check("status", ProposalStatus, "casualties_proposal_status_valid"),
            models.CheckConstraint(
                condition=models.Q(kind=ProposalKind.ATTACK_EDIT) | models.Q(claim__isnull=False),
                name="casualties_proposal_claim_kinds_name_a_claim",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="casualties_proposal_open")]  # the queue

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on attack {self.attack_id} ({self.status})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class GradeOverride(TimeStampedModel):
    """One version of an editor's evidence grade for an attack; every change adds a version.

    ``grade`` empty means "back to the computed grade" (a version like any other, so setting
    and clearing an override are both kept with their reasons). The current version is the one
    the attack shows (``casualties.services.grades``); to go back to an older grade an editor
    sets it again, with a reason, as a new version.
    """

    attack = models.ForeignKey("strikes.Attack", on_delete=models.CASCADE, related_name="grade_overrides")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    grade = models.CharField(max_length=14, choices=EvidenceGrade.choices, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["attack", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade="") | models.Q(grade__in=EvidenceGrade.values),
                name="casualties_gradeoverride_grade_valid",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="casualties_gradeoverride_has_reason"),
            models.UniqueConstraint(fields=["attack", "version"], name="casualties_gradeoverride_version_unique"),
            models.UniqueConstraint(
                fields=["attack"], condition=models.Q(is_current=True), name="casualties_gradeoverride_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"grade v{self.version}: {self.grade or 'computed'} (attack {self.attack_id})"
