"""Where and when strikes happened: the gazetteer, the munition catalogue,
nightly waves and the attacks themselves."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce, Lower

from config.db import TimeStampedModel, choices_check
from strikes.choices import (
    AttackStatus,
    EvidenceGrade,
    ExternalSource,
    GeoPrecision,
    MunitionCategory,
    PlaceKind,
    TargetType,
    TimePrecision,
)
from strikes.querysets import AttackQuerySet, PlaceQuerySet

# Rewrites a place's spellings whenever it is written (insert, COPY, bulk_create, update of its
# name or aliases): the table is derived in the database, so no write path can leave it stale.
_PLACE_NAMES_SYNC = """
    DELETE FROM strikes_placename WHERE place_id = NEW.id;
    INSERT INTO strikes_placename (place_id, name, is_primary)
    SELECT NEW.id, spelling.name, spelling.ord = 1
    FROM (
        SELECT DISTINCT ON (btrim(given.name)) btrim(given.name) AS name, given.ord
        FROM unnest(array_prepend(NEW.name::varchar, NEW.aliases)) WITH ORDINALITY AS given(name, ord)
        WHERE btrim(given.name) <> ''
        ORDER BY btrim(given.name), given.ord
    ) AS spelling;
    RETURN NULL;
"""


class Place(TimeStampedModel):
    """A gazetteer entry: the country, an oblast, a raion, a city or a city district."""

    name = models.CharField(max_length=200)
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other spellings: English, Ukrainian, Russian, transliterations.",
    )
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Denormalised from the parent chain so "attacks in this oblast" is one join, not a recursive walk.
    oblast = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PlaceKind.OBLAST},
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    geonames_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # The key the reference loader uses to stay idempotent ("oblast:12", "geonames:703448").
    ref_key = models.CharField(max_length=50, unique=True, null=True, blank=True)
    # Who added a place the reference data lacks (a village, from the attack form); empty for
    # reference rows.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("kind", PlaceKind, "strikes_place_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90) | models.Q(latitude__isnull=True),
                name="strikes_place_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180) | models.Q(longitude__isnull=True),
                name="strikes_place_longitude_range",
            ),
        ]
        indexes = [
            models.Index(
                models.functions.Lower("name"), name="strikes_place_lower_name"
            ),  # autocomplete and exact lookups
        ]
        triggers = [
            pgtrigger.Trigger(
                name="place_names_sync",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("name", "aliases"),
                func=_PLACE_NAMES_SYNC,
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlaceName(models.Model):
    """One spelling of a place: its name (``is_primary``) or one of its aliases, in any
    language. Every lookup of a place by what someone typed (filters, the analyst's place
    search, the admin, importers) asks this one table through ``PlaceQuerySet.named`` /
    ``spelled``. Rows are written by a database trigger from ``Place.name`` and
    ``Place.aliases`` (which editors and the reference loader edit), never by Python.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="strikes_placename_unique")]
        indexes = [
            # Equality and prefix (LIKE 'kyi%') on the lower-cased spelling, in any collation.
            models.Index(OpClass(Lower("name"), name="text_pattern_ops"), name="strikes_placename_lower"),
        ]

    def __str__(self) -> str:
        return self.name


class Munition(TimeStampedModel):
    """A weapon model in the catalogue (KN-23, Shahed-136, Kh-101), or a generic class of weapon."""

    name = models.CharField(max_length=100, unique=True)
    aliases = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    category = models.CharField(max_length=30, choices=MunitionCategory.choices)
    origin_country = models.CharField(max_length=100, blank=True)
    nato_name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    # True for catalogue rows that name a class ("ballistic missile"), not a model.
    is_generic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [choices_check("category", MunitionCategory, "strikes_munition_category_valid")]
        indexes = [
            GinIndex(fields=["aliases"], name="strikes_munition_aliases_gin"),  # munition=<alias> filter
            models.Index(fields=["category"], name="strikes_munition_category"),  # munition_category filter
        ]

    def __str__(self) -> str:
        return self.name


class Wave(TimeStampedModel):
    """One night's (or day's) combined attack, nationwide, as the Air Force reports it."""

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    external_source = models.CharField(max_length=20, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    # A wave the pipeline proposed from an article's night-wide counts (no wave was known for that
    # night): shown to staff for review, never in public reads until a person publishes it.
    is_draft = models.BooleanField(default=False)
    article = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_waves",
        help_text="The article a draft wave was proposed from.",
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="strikes_wave_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="strikes_wave_external_unique",
            ),
        ]
        indexes = [models.Index(fields=["started_at"], name="strikes_wave_started")]  # timeline buckets

    def __str__(self) -> str:
        return f"Wave {self.started_at:%Y-%m-%d %H:%M}"


class WaveMunition(models.Model):
    """How many of one weapon (as the source names it) were launched and intercepted in a wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="counts")
    # The model as the source wrote it ("X-101/X-555 and Kalibr"); it may name several catalogue rows.
    label = models.CharField(max_length=300)
    munitions = models.ManyToManyField(Munition, blank=True, related_name="wave_counts")
    launched = models.PositiveIntegerField(null=True, blank=True)
    intercepted = models.PositiveIntegerField(null=True, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="Source columns kept as they were (targets, regions)."
    )

    class Meta:
        ordering = ["wave", "label"]
        constraints = [models.UniqueConstraint(fields=["wave", "label"], name="strikes_wavemunition_one_per_label")]

    def __str__(self) -> str:
        return f"{self.label}: {self.launched} launched, {self.intercepted} intercepted"


# The search vector is an index rebuilt from articles, not a fact about the attack: keeping it
# out of the history stops every search refresh from writing an event (and a copy of the vector).
# The oblast is derived from the place (by a trigger), which the history already records.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["search_vector", "oblast"],
    # /changes/?since=: the events since a time.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="strikes_attackevent_created")]},
)
class Attack(TimeStampedModel):
    """One strike at one place and time, with the munitions used and its status in review."""

    wave = models.ForeignKey(Wave, null=True, blank=True, on_delete=models.SET_NULL, related_name="attacks")
    occurred_at = models.DateTimeField()
    time_precision = models.CharField(max_length=10, choices=TimePrecision.choices, default=TimePrecision.DAY)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="attacks")
    # The place's oblast (the place itself when it is one), set by the database on every insert
    # and on any change of the place (trigger in migration 0005: importers and the generator
    # write attacks directly), so "in this oblast, newest first" walks one index.
    oblast = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(choices=GeoPrecision.choices, default=GeoPrecision.CITY)
    target_type = models.CharField(max_length=20, choices=TargetType.choices, default=TargetType.UNKNOWN)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=AttackStatus.choices, default=AttackStatus.DRAFT)
    retraction_reason = models.TextField(blank=True)
    munitions = models.ManyToManyField(Munition, through="AttackMunition", blank=True, related_name="attacks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_source = models.CharField(max_length=20, choices=ExternalSource.choices, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    # Published figures, denormalised from casualties.PublishedFigure by the figures service, so
    # that filtering and ordering by toll on a million rows needs no join.
    killed_best = models.PositiveIntegerField(null=True, blank=True)
    injured_best = models.PositiveIntegerField(null=True, blank=True)
    disputed = models.BooleanField(default=False)
    # The evidence grade (docs/RECONCILIATION.md), computed from the sources by
    # casualties.services.grades or set by an editor's override; stored so that grade= and the
    # default leaving-out of discounted attacks are plain conditions on this row.
    grade = models.CharField(
        max_length=14,
        choices=EvidenceGrade.choices,
        default=EvidenceGrade.SINGLE_SOURCE,
        # Also the column's default, for rows written without the ORM (COPY, raw INSERTs).
        db_default=EvidenceGrade.SINGLE_SOURCE,
    )
    # description + article titles and texts, kept by the search service for `q=`.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = AttackQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            choices_check("time_precision", TimePrecision, "strikes_attack_time_precision_valid"),
            choices_check("geo_precision", GeoPrecision, "strikes_attack_geo_precision_valid"),
            choices_check("target_type", TargetType, "strikes_attack_target_type_valid"),
            choices_check("status", AttackStatus, "strikes_attack_status_valid"),
            choices_check("grade", EvidenceGrade, "strikes_attack_grade_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=AttackStatus.RETRACTED) | ~models.Q(retraction_reason=""),
                name="strikes_attack_retraction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90) | models.Q(latitude__isnull=True),
                name="strikes_attack_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180) | models.Q(longitude__isnull=True),
                name="strikes_attack_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="strikes_attack_coordinates_paired",
            ),
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="strikes_attack_external_unique",
            ),
        ]
        indexes = [
            # Public list in default order (keyset), timeline buckets; the figures ride along so
            # the timeline is an index-only scan.
            models.Index(
                fields=["status", "-occurred_at", "-id"],
                include=["killed_best", "injured_best", "grade"],
                name="strikes_attack_status_occ",
            ),
            # grade= in default order (a rare grade would otherwise walk the whole status index).
            models.Index(fields=["status", "grade", "-occurred_at", "-id"], name="strikes_attack_grade_occ"),
            # Staff lists (every status) in default order.
            models.Index(fields=["-occurred_at", "-id"], name="strikes_attack_occ"),
            # oblast= filter in default order: walks the oblast's attacks newest first and stops
            # after a page (the place join needed every attack of the oblast in the date range).
            # The grade rides along: the public list leaves discounted attacks out, and with it
            # in the index a filter combined with another (a munition) is an index-only scan, not
            # a heap visit per attack of the oblast in the range (PERFORMANCE.md §26).
            models.Index(
                fields=["status", "oblast", "-occurred_at", "-id"], include=["grade"], name="strikes_attack_oblast_occ"
            ),
            models.Index(
                fields=["place", "occurred_at"], name="strikes_attack_place_occ"
            ),  # place/oblast filter, linking window
            # updated_since sync and ordering=updated_at (keyset on updated_at, id).
            models.Index(fields=["status", "updated_at", "id"], name="strikes_attack_status_upd"),
            models.Index(fields=["updated_at", "id"], name="strikes_attack_updated"),
            # bbox filter and map clusters: index-only scan over the coordinates.
            models.Index(fields=["longitude", "latitude"], include=["status", "grade"], name="strikes_attack_lonlat"),
            models.Index(fields=["killed_best"], name="strikes_attack_killed"),  # killed_min/max
            # ordering=-killed_best (keyset on the never-null sort key the filterset uses).
            models.Index(
                "status",
                Coalesce("killed_best", models.Value(-1)).desc(),
                models.F("id").desc(),
                name="strikes_attack_status_toll",
            ),
            GinIndex(fields=["search_vector"], name="strikes_attack_search"),  # q= full-text
        ]

    def __str__(self) -> str:
        where = self.place.name if self.place_id else "unknown place"
        return f"{where}, {self.occurred_at:%Y-%m-%d}"

    @property
    def event_id_cnty(self) -> str:
        """A stable public id in ACLED's style (country code + number)."""
        return f"UKR-SW{self.pk}"


class AttackMunition(models.Model):
    """A munition used in an attack, with how many when a source says."""

    attack = models.ForeignKey(Attack, on_delete=models.CASCADE, related_name="attack_munitions")
    munition = models.ForeignKey(Munition, on_delete=models.PROTECT, related_name="attack_munitions")
    count = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)

    class Meta:
        ordering = ["attack", "munition"]
        constraints = [models.UniqueConstraint(fields=["attack", "munition"], name="strikes_attackmunition_once")]
        indexes = [models.Index(fields=["munition", "attack"], name="strikes_am_munition")]  # munition filter

    def __str__(self) -> str:
        return f"{self.munition} in {self.attack_id}"


class AttackTerm(models.Model):
    """One lexeme of an attack's ``search_vector``, on the attack's date: the postings that let
    a one-word search ordered by date walk an index instead of sorting every match
    (``strikes.search``). The table, its indexes and the triggers keeping it exact are
    migration 0012's; Django only reads it (unmanaged, no constraint)."""

    pk = models.CompositePrimaryKey("attack", "term")
    attack = models.ForeignKey(
        Attack, on_delete=models.DO_NOTHING, db_constraint=False, related_name="terms", editable=False
    )
    term = models.TextField(editable=False)
    occurred_at = models.DateTimeField(editable=False)

    class Meta:
        managed = False
        db_table = "strikes_attack_term"

    def __str__(self) -> str:
        return f"{self.term} in {self.attack_id}"
