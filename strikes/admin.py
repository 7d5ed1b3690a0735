"""Admin for the strikes app: gazetteer, munition catalogue, waves and attacks.

Attacks can number in the millions, so lists never count every row
(``show_full_result_count = False``), foreign keys to big tables are raw ids or
autocompletes, and the search box uses the full-text index instead of a LIKE scan.
Writes to attacks go through ``strikes.services`` (as everywhere else), so an edit
made here is validated, recorded in the history with its author, and re-indexed.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from casualties.models import Claim
from casualties.services import GRADE_FIELDS, grade_refresh
from config.admin import EstimatedCountPaginator, EventAdmin
from config.history import history_context
from strikes.models import Attack, AttackMunition, Munition, Place, PlaceName, Wave, WaveMunition
from strikes.services import EDITABLE_FIELDS, SEARCH_CONFIG, attack_create, attack_publish, attack_update

# --- Gazetteer and catalogue ---


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "oblast", "latitude", "longitude", "population", "ref_key"]
    list_filter = ["kind", "oblast"]  # oblast choices are limited to the 27 oblast-level units
    search_fields = ["name", "=ref_key", "=geonames_id"]
    list_select_related = ["parent", "oblast"]
    autocomplete_fields = ["parent", "oblast"]
    readonly_fields = ["created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Any spelling finds the place: "Kiev" and "Київ" find Kyiv.
        term = search_term.strip()
        return (results | queryset.named(term) if term else results), may_have_duplicates


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    """Every spelling of every place, read only: the rows are derived by a database trigger from
    each place's name and aliases, so they are edited on the place."""

    list_display = ["name", "place", "is_primary"]
    list_filter = ["is_primary", "place__kind"]
    search_fields = ["name"]
    list_select_related = ["place"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Munition)
class MunitionAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "origin_country", "nato_name", "is_generic"]
    list_filter = ["category", "is_generic", "origin_country"]
    search_fields = ["name", "nato_name"]
    readonly_fields = ["created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # An exact alias finds the munition ("Geran-2" finds Shahed-136), through the GIN index.
        term = search_term.strip()
        return (results | queryset.filter(aliases__contains=[term]) if term else results), may_have_duplicates


# --- Waves ---


class WaveMunitionInline(admin.TabularInline):
    model = WaveMunition
    extra = 0
    fields = ["label", "munitions", "launched", "intercepted", "details"]
    autocomplete_fields = ["munitions"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "started_at", "ended_at", "external_source", "external_id"]
    list_filter = ["external_source"]
    search_fields = ["=external_id", "description", "source"]
    date_hierarchy = "started_at"
    inlines = [WaveMunitionInline]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False


@admin.register(WaveMunition)
class WaveMunitionAdmin(admin.ModelAdmin):
    list_display = ["label", "wave", "launched", "intercepted"]
    search_fields = ["label"]
    list_select_related = ["wave"]
    raw_id_fields = ["wave"]
    autocomplete_fields = ["munitions"]
    show_full_result_count = False


# --- Attacks ---


class AttackMunitionInline(admin.TabularInline):
    model = AttackMunition
    extra = 0
    fields = ["munition", "count", "quote"]
    autocomplete_fields = ["munition"]


class ClaimInline(admin.TabularInline):
    """The attack's claims, for reading: claims change through the claims services and pages."""

    model = Claim
    extra = 0
    fields = [
        "category",
        "value",
        "qualifier",
        "low",
        "high",
        "article",
        "reported_at",
        "origin",
        "rank",
        "withdrawn_at",
    ]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


@admin.action(description="Publish the selected attacks")
def publish_attacks(modeladmin, request, queryset):
    published, refused = 0, []
    for attack in queryset:
        try:
            attack_publish(attack=attack, by=request.user)
            published += 1
        except ValidationError as exc:
            refused.append(f"{attack}: {'; '.join(exc.messages)}")
    if published:
        modeladmin.message_user(request, f"{published} attack(s) published.", messages.SUCCESS)
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


@admin.register(Attack)
class AttackAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "occurred_at",
        "place",
        "status",
        "target_type",
        "killed_best",
        "injured_best",
        "disputed",
        "updated_at",
    ]
    list_filter = ["status", "target_type", "disputed", "time_precision", "geo_precision", "external_source"]
    # The search box (see get_search_results): an id, a place's name or alias, or words of the
    # description and linked articles through the full-text index.
    search_fields = ["=id"]
    search_help_text = "An attack id, a place name (any spelling), or words from the description and its sources."
    list_select_related = ["place"]
    autocomplete_fields = ["place"]
    raw_id_fields = ["wave", "created_by"]
    # Status changes go through publish (action) and retract (the editors' page): they have rules.
    # Figures are derived from claims and decisions.
    readonly_fields = [
        "status",
        "retraction_reason",
        "killed_best",
        "injured_best",
        "disputed",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AttackMunitionInline, ClaimInline]
    actions = [publish_attacks]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(pk=int(term)), False
        places = Place.objects.named(term).values("pk")
        match = (
            Q(search_vector=SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch"))
            | Q(place__in=places)
            | Q(place__parent__in=places)
            | Q(external_id=term)
        )
        return queryset.filter(match), False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        if change:
            # A new place or date moves the evidence grade: refreshed in the same transaction and
            # history context as the edit (as casualties.services.attack_edit does).
            with transaction.atomic(), history_context(request.user, "attack_update"):
                attack_update(attack=obj, by=request.user, **fields)
                if GRADE_FIELDS & fields.keys():
                    grade_refresh(attack=obj)
            return
        everything = {name: form.cleaned_data[name] for name in form.cleaned_data if name in EDITABLE_FIELDS}
        created = attack_create(by=request.user, **everything)
        # The admin goes on to save the inlines against ``obj``: make it the row just created.
        for field in Attack._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(AttackMunition)
class AttackMunitionAdmin(admin.ModelAdmin):
    list_display = ["attack", "munition", "count"]
    list_filter = ["munition__category"]
    search_fields = ["=attack__id", "munition__name"]
    list_select_related = ["attack", "attack__place", "munition"]
    raw_id_fields = ["attack"]
    autocomplete_fields = ["munition"]
    show_full_result_count = False


# --- History ---


@admin.register(apps.get_model("strikes", "AttackEvent"))
class AttackEventAdmin(EventAdmin):
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "status", "author", "service"]
