"""Admin for the casualties app: claims, decisions, published figures, grades and their history.

Figures have rules the admin must not bypass. Claims are recorded and corrected
through ``claim_record`` / ``claim_update`` (so the published figures are
recomputed and the history names the author) and are withdrawn, never deleted.
Decisions are versions: a change is a new version made on the editors' page, so
here they are read-only, as are the published figures derived from both, the editors'
evidence grades (versions too), and the analysts' proposed changes (applied or rejected on
the editors' queue).
"""

from django.apps import apps
from django.contrib import admin

from casualties.models import Claim, Decision, GradeOverride, Proposal, PublishedFigure
from casualties.services import CLAIM_EDITABLE, claim_record, claim_update
from config.admin import EstimatedCountPaginator, EventAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing and searching only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "attack",
        "category",
        "qualifier",
        "value",
        "low",
        "high",
        "article",
        "source_label",
        "reported_at",
        "origin",
        "rank",
        "withdrawn_at",
    ]
    list_filter = ["category", "qualifier", "origin", "rank", "article__outlet__grade"]
    search_fields = ["=id", "=attack__id", "=article__id", "quote", "source_label"]
    list_select_related = ["attack", "attack__place", "article"]
    raw_id_fields = ["attack", "article", "created_by"]
    # low/high are derived from value + qualifier unless given; rank goes through a decision.
    readonly_fields = ["rank", "rank_reason", "withdrawn_at", "origin", "created_by", "created_at", "updated_at"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A new claim's interval comes from value + qualifier (claim_record derives it).
        return fields if obj is not None else [f for f in fields if f not in ("low", "high")]

    def get_readonly_fields(self, request, obj=None):
        # The attack of an existing claim is fixed: moving figures is the linking service's job.
        return [*self.readonly_fields, "attack"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn, never deleted

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in CLAIM_EDITABLE}
            if fields:
                claim_update(claim=obj, by=request.user, **fields)
            return
        data = form.cleaned_data
        created = claim_record(
            attack=data["attack"],
            category=data["category"],
            value=data["value"],
            qualifier=data["qualifier"],
            reported_at=data["reported_at"],
            article=data.get("article"),
            source_label=data.get("source_label", ""),
            quote=data.get("quote", ""),
            quote_start=data.get("quote_start"),
            quote_end=data.get("quote_end"),
            by=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["attack", "category", "version", "is_current", "best", "low", "high", "decided_by", "created_at"]
    list_filter = ["category", "is_current"]
    search_fields = ["=attack__id", "rationale"]
    list_select_related = ["attack", "attack__place", "decided_by"]
    raw_id_fields = ["attack", "claims", "decided_by", "restored_from"]
    show_full_result_count = False


@admin.register(PublishedFigure)
class PublishedFigureAdmin(ReadOnlyAdmin):
    list_display = ["attack", "category", "status", "best", "low", "high", "severity", "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["=attack__id"]
    list_select_related = ["attack", "attack__place"]
    raw_id_fields = ["attack", "decision"]
    show_full_result_count = False


@admin.register(apps.get_model("casualties", "ClaimEvent"))
class ClaimEventAdmin(EventAdmin):
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "category", "value", "author", "service"]


@admin.register(apps.get_model("casualties", "DecisionEvent"))
class DecisionEventAdmin(EventAdmin):
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "category", "version", "best", "author", "service"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Proposed changes are applied or rejected on the editors' queue page, through the services."""

    list_display = ["attack", "kind", "claim", "status", "proposed_by", "decided_by", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=attack__id", "reason"]
    list_select_related = ["attack", "attack__place", "claim", "proposed_by", "decided_by"]
    raw_id_fields = ["attack", "claim", "proposed_by", "decided_by"]
    show_full_result_count = False


@admin.register(apps.get_model("casualties", "ProposalEvent"))
class ProposalEventAdmin(EventAdmin):
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "kind", "status", "author", "service"]


@admin.register(GradeOverride)
class GradeOverrideAdmin(ReadOnlyAdmin):
    """Editors' evidence grades are versions set on the grade page (``grade_override``), read-only here."""

    list_display = ["attack", "version", "is_current", "grade", "decided_by", "created_at"]
    list_filter = ["grade", "is_current"]
    search_fields = ["=attack__id", "reason"]
    list_select_related = ["attack", "attack__place", "decided_by"]
    raw_id_fields = ["attack", "decided_by"]
    show_full_result_count = False


@admin.register(apps.get_model("casualties", "GradeOverrideEvent"))
class GradeOverrideEventAdmin(EventAdmin):
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "grade", "version", "author", "service"]
