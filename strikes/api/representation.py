# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""The attack as the API shows it, declared once.

``ATTACK_FIELDS`` lists every field of the representation, in output order, each with:

- ``schema``: the DRF field the OpenAPI schema shows (``AttackSerializer`` is built from them);
- ``json``: SQL writing the field's JSON text over one attack row ``a`` (the columns of
  ``ATTACK_VALUES``). The JSON list, the detail and every GeoJSON Feature's properties are
  this SQL (``representations_json`` here, ``strikes.api.formats`` for the exports), so no two
  reads of an attack can disagree;
- ``row``: for a field read from the attack's own row, its value in Python, so a page that
  shows only such fields (``fields=id,occurred_at``) needs no second statement;
- ``csv``: the CSV columns it gives, each ``(column, SQL over the CSV's row, aggregate it
  needs)``; ``CSV_COLUMNS`` puts them in the export's order. Text cells that would start a
  spreadsheet formula are neutralised (``csv_text``; the aggregates' text in
  ``strikes.api.formats``).

The JSON text is byte for byte what DRF's JSONRenderer writes for the same dict
(``strikes.api.sql`` says how); keys in declaration order.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models.query import ValuesIterable
from rest_framework import serializers

from casualties.choices import Category
from casualties.selectors import MODES
from config.api import FieldsMixin
from strikes.api import acled
from strikes.api.serializers import (
    AttackMunitionSerializer,
    AttackPlaceSerializer,
    FiguresSerializer,
    SourceSerializer,
)
from strikes.api.sql import (
    csv_text,
    distinct_join,
    ordering_keys,
    restore_session,
    rows_sql,
    set_session,
    sql_array,
    sql_float,
    sql_iso,
    sql_json,
    sql_json_float,
    sql_json_iso,
    sql_object,
    sql_text,
)
from strikes.choices import AttackStatus, EvidenceGrade, GeoPrecision, PlaceKind, TargetType, TimePrecision

FIGURE_MODES = tuple(MODES)
CATEGORIES = tuple(Category.values)

# Figure parts per mode: (best, low, high) of casualties_publishedfigure (casualties.reconcile.figure_mode).
FIGURE_PARTS = {
    "decided": ("best", "low", "high"),
    "conservative": ("conservative", "conservative", "conservative"),
    "range": ("best", "range_low", "range_high"),
}
# --- The relations' JSON, as subqueries on the attack's id ---


def _place_json(ctx) -> str:
    oblast = (
        "CASE WHEN a.place__oblast_id IS NOT NULL THEN "
        + sql_object(("id", "a.place__oblast_id::text"), ("name", sql_json("a.place__oblast__name")))
        + " WHEN a.place__kind = 'oblast' THEN "
        + sql_object(("id", "a.place_id::text"), ("name", sql_json("a.place__name")))
        + " ELSE 'null' END"
    )
    place = sql_object(
        ("id", "a.place_id::text"),
        ("name", sql_json("a.place__name")),
        ("kind", sql_json("a.place__kind")),
        ("oblast", oblast),
    )
    return f"CASE WHEN a.place_id IS NULL THEN 'null' ELSE {place} END"


def _munitions_json(ctx) -> str:
    munition = sql_object(
        ("id", "mu.id::text"),
        ("name", sql_json("mu.name")),
        ("category", sql_json("mu.category")),
        ("origin_country", sql_json("mu.origin_country")),
        ("count", sql_json("am.count")),
    )
    # The munition of each row by its primary key (OFFSET 0 keeps the lateral from being
    # flattened into a join, which hashed the whole catalogue once per attack).
    return sql_array(
        f"SELECT {munition} FROM strikes_attackmunition am CROSS JOIN LATERAL"
        " (SELECT m.id, m.name, m.category, m.origin_country FROM strikes_munition m"
        " WHERE m.id = am.munition_id OFFSET 0) mu"
        " WHERE am.attack_id = a.id ORDER BY mu.name, mu.id"
    )


def _sources_json(ctx) -> str:
    # Outlets are few: their JSON by id is built once (an InitPlan), so each article looks its
    # outlet up instead of joining (a join in the subquery built a hash table per attack).
    outlet = sql_object(("id", "ou.id::text"), ("name", sql_json("ou.name")), ("grade", sql_json("ou.grade")))
    outlets = f"(SELECT jsonb_object_agg(ou.id::text, {outlet}) FROM sources_outlet ou)"
    source = sql_object(
        ("id", "ar.id::text"),
        ("outlet", f"COALESCE({outlets} ->> ar.outlet_id::text, 'null')"),
        ("title", sql_json("ar.title")),
        ("url", sql_json("COALESCE(NULLIF(ar.canonical_url, ''), ar.url)")),
        ("published_at", sql_json_iso("ar.published_at")),
    )
    return sql_array(
        f"SELECT {source} FROM sources_article ar WHERE ar.attack_id = a.id ORDER BY ar.published_at, ar.id"
    )


def _figures_json(ctx) -> str:
    best, low, high = FIGURE_PARTS[ctx.mode]
    figure = sql_object(
        ("best", sql_json(f"pf.{best}")),
        ("low", sql_json(f"pf.{low}")),
        ("high", sql_json(f"pf.{high}")),
        ("status", sql_json("pf.status")),
        ("disputed", "CASE WHEN pf.status = 'disputed' THEN 'true' ELSE 'false' END"),
        ("claim_ids", "COALESCE(array_to_json(pf.claim_ids)::text, '[]')"),
    )
    by_category = sql_object(
        *((c, f"COALESCE(max({figure}) FILTER (WHERE pf.category = '{c}'), 'null')") for c in CATEGORIES)
    )
    return f"(SELECT {by_category} FROM casualties_publishedfigure pf WHERE pf.attack_id = a.id)"


def _url_json(ctx) -> str:
    head, tail = ctx.url
    # The URL as a JSON string, the id written in between.
    before, after = json.dumps(head, ensure_ascii=False)[:-1], json.dumps(tail, ensure_ascii=False)[1:]
    return f"concat({sql_text(before)}, a.id, {sql_text(after)})"


def _place_row(row, ctx):
    if row["place_id"] is None:
        return None
    if row["place__oblast_id"] is not None:
        oblast = {"id": row["place__oblast_id"], "name": row["place__oblast__name"]}
    elif row["place__kind"] == PlaceKind.OBLAST:
        oblast = {"id": row["place_id"], "name": row["place__name"]}
    else:
        oblast = None
    return {"id": row["place_id"], "name": row["place__name"], "kind": row["place__kind"], "oblast": oblast}


def _iso_row(column: str):
    return lambda row, ctx: None if row[column] is None else row[column].astimezone(ctx.tz).isoformat()


def _column(column: str):
    return lambda row, ctx: row[column]


# --- The declaration ---

# Over the CSV's row: ``a`` strikes_attack, ``p`` its place, ``pp`` the place's parent, ``o``
# its oblast; the aggregates ``fig``, ``mun``, ``src`` (strikes.api.formats) joined when a
# column needs them. ACLED's columns and words: strikes.api.acled.
_CSV_OBLAST_ID = "COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)"


@dataclass(frozen=True)
class AttackField:
    """One field of the attack representation: schema, JSON SQL, Python row value, CSV columns."""

    name: str
    schema: serializers.Field
    json: Callable[[Any], str]
    row: Callable[[dict, Any], Any] | None = None
    csv: tuple[tuple[str, str, str | None], ...] = field(default=())


def _scalar(name, schema, column=None, *, csv=()):
    column = column or name
    return AttackField(name, schema, lambda ctx: sql_json(f"a.{column}"), _column(column), csv)


ATTACK_FIELDS = (
    AttackField(
        "id",
        serializers.IntegerField(help_text="Stable id."),
        lambda ctx: "a.id::text",
        _column("id"),
        (("id", "a.id", None),),
    ),
    AttackField(
        "event_id_cnty",
        serializers.CharField(help_text="Stable public id in ACLED's style: UKR-SW<id>."),
        lambda ctx: "concat('\"UKR-SW', a.id, '\"')",
        lambda row, ctx: f"UKR-SW{row['id']}",
        (
            ("event_id_cnty", "'UKR-SW' || a.id", None),
            *((column, sql_text(str(value)), None) for column, value in acled.CONSTANT_COLUMNS.items()),
            *((column, "NULL", None) for column in acled.EMPTY_COLUMNS),
        ),
    ),
    AttackField(
        "url",
        serializers.URLField(help_text="This attack in the API."),
        _url_json,
        lambda row, ctx: f"{ctx.url[0]}{row['id']}{ctx.url[1]}",
    ),
    AttackField(
        "occurred_at",
        serializers.DateTimeField(),
        lambda ctx: sql_json_iso("a.occurred_at"),
        _iso_row("occurred_at"),
        (
            ("event_date", "to_char(a.occurred_at, 'YYYY-MM-DD')", None),
            ("year", "to_char(a.occurred_at, 'YYYY')", None),
            ("occurred_at", sql_iso("a.occurred_at"), None),
        ),
    ),
    _scalar(
        "time_precision",
        serializers.ChoiceField(choices=TimePrecision.choices),
        csv=(
            ("time_precision", acled.TIME_PRECISION_SQL, None),
            ("occurred_precision", "a.time_precision", None),
        ),
    ),
    AttackField(
        "place",
        AttackPlaceSerializer(allow_null=True),
        _place_json,
        _place_row,
        (
            ("admin1", acled.ADMIN1, None),
            ("admin2", acled.ADMIN2, None),
            ("location", acled.LOCATION, None),
            ("place_id", "a.place_id", None),
            ("oblast_id", _CSV_OBLAST_ID, None),
        ),
    ),
    AttackField(
        "latitude",
        serializers.FloatField(allow_null=True),
        lambda ctx: sql_json_float("a.latitude"),
        _column("latitude"),
        (("latitude", sql_float("a.latitude"), None),),
    ),
    AttackField(
        "longitude",
        serializers.FloatField(allow_null=True),
        lambda ctx: sql_json_float("a.longitude"),
        _column("longitude"),
        (("longitude", sql_float("a.longitude"), None),),
    ),
    _scalar(
        "geo_precision",
        serializers.ChoiceField(
            choices=GeoPrecision.choices, help_text="1 exact, 2 near, 3 district, 4 city, 5 oblast, 6 country."
        ),
        csv=(
            ("geo_precision", acled.GEO_PRECISION_SQL, None),
            ("location_precision", "a.geo_precision", None),
        ),
    ),
    _scalar(
        "target_type",
        serializers.ChoiceField(choices=TargetType.choices),
        csv=(
            ("target_type", "a.target_type", None),
            ("actor2", acled.ACTOR2, None),
            ("inter2", acled.INTER2, None),
            ("interaction", acled.INTERACTION, None),
            ("civilian_targeting", acled.CIVILIAN_TARGETING, None),
        ),
    ),
    _scalar(
        "description",
        serializers.CharField(allow_blank=True),
        csv=(("notes", csv_text("NULLIF(a.description, '')"), None),),
    ),
    _scalar("status", serializers.ChoiceField(choices=AttackStatus.choices), csv=(("status", "a.status", None),)),
    _scalar("retraction_reason", serializers.CharField(allow_blank=True)),
    _scalar(
        "wave",
        serializers.IntegerField(allow_null=True, help_text="The nightly wave it was part of."),
        "wave_id",
        csv=(("wave_id", "a.wave_id", None),),
    ),
    AttackField(
        "munitions",
        AttackMunitionSerializer(many=True),
        _munitions_json,
        csv=(
            ("sub_event_type", acled.SUB_EVENT_TYPE, "munitions"),
            ("munitions", "mun.names", "munitions"),
            ("munition_categories", distinct_join("mun.categories", "; "), "munitions"),
            ("origin_countries", distinct_join("mun.origins", "; "), "munitions"),
        ),
    ),
    _scalar(
        "killed_best", serializers.IntegerField(allow_null=True, help_text="Published best figure (decided mode).")
    ),
    _scalar(
        "injured_best", serializers.IntegerField(allow_null=True, help_text="Published best figure (decided mode).")
    ),
    _scalar(
        "disputed",
        serializers.BooleanField(help_text="Sources disagree on a published figure."),
        csv=(("disputed", "CASE WHEN a.disputed THEN 'true' ELSE 'false' END", None),),
    ),
    _scalar(
        "grade",
        serializers.ChoiceField(
            choices=EvidenceGrade.choices,
            help_text="Evidence grade (docs/RECONCILIATION.md): computed from the sources or set by an editor. "
            "Discounted attacks are left out of lists, counts and exports unless grade= names them.",
        ),
        csv=(("grade", "a.grade", None),),
    ),
    AttackField(
        "figures",
        FiguresSerializer(help_text="Per category, the figure in the mode asked for (null: none)."),
        _figures_json,
        csv=(
            ("fatalities", "fig.killed_best", "figures"),
            *(
                (f"{category}_{part}", f"fig.{category}_{part}", "figures")
                for category in CATEGORIES
                for part in ("best", "low", "high", "status")
            ),
        ),
    ),
    AttackField(
        "sources",
        SourceSerializer(many=True),
        _sources_json,
        csv=(
            ("source", distinct_join("src.outlets", "; "), "sources"),
            ("source_urls", "src.urls", "sources"),
        ),
    ),
    AttackField(
        "created_at",
        serializers.DateTimeField(),
        lambda ctx: sql_json_iso("a.created_at"),
        _iso_row("created_at"),
        (("created_at", sql_iso("a.created_at"), None),),
    ),
    AttackField(
        "updated_at",
        serializers.DateTimeField(),
        lambda ctx: sql_json_iso("a.updated_at"),
        _iso_row("updated_at"),
        (("updated_at", sql_iso("a.updated_at"), None), ("timestamp", acled.TIMESTAMP, None)),
    ),
)
FIELDS_BY_NAME = {f.name: f for f in ATTACK_FIELDS}
FIELD_NAMES = tuple(FIELDS_BY_NAME)

# Each CSV column's SQL and the aggregate it needs, from the fields above.
CSV_EXPRESSIONS = {column: (sql, need) for f in ATTACK_FIELDS for column, sql, need in f.csv}

# ACLED's 31 columns in ACLED's order (strikes.api.acled), then ours (docs/API.md documents each;
# the ACLED importer reads them back).
OUR_COLUMNS = [
    "id",
    "occurred_at",
    "occurred_precision",
    "location_precision",
    "place_id",
    "oblast_id",
    "target_type",
    "wave_id",
    "munitions",
    "munition_categories",
    "origin_countries",
    *(f"{category}_{part}" for category in CATEGORIES for part in ("best", "low", "high", "status")),
    "disputed",
    "grade",
    "source_urls",
    "status",
    "created_at",
    "updated_at",
]
CSV_COLUMNS = acled.ACLED_COLUMNS + OUR_COLUMNS
assert set(CSV_COLUMNS) == set(CSV_EXPRESSIONS), "every CSV column comes from one field"


# The schema of ``ATTACK_FIELDS`` (the views write the representation with its SQL).
AttackSerializer = type(
    "AttackSerializer",
    (FieldsMixin, serializers.Serializer),
    {
        "__module__": __name__,
        "__doc__": "An attack with its place, munitions, published figures and sources.",
        **{f.name: f.schema for f in ATTACK_FIELDS},
    },
)


# --- Rows and the representation's SQL ---

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
    "grade",
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


@dataclass(frozen=True)
class Shape:
    """What a request asks the representation for: figures mode, fields shown, the detail URL
    split around the id, and the time zone."""

    mode: str
    names: tuple[str, ...]
    url: tuple[str, str]
    tz: Any = None

    def needs_sql(self) -> bool:
        """True when a field shown is not on the attack's own row (munitions, sources, figures)."""
        return any(FIELDS_BY_NAME[n].row is None for n in self.names)

    def from_row(self, row) -> dict:
        """The representation of a page row, for fields read from the row alone."""
        return {n: FIELDS_BY_NAME[n].row(row, self) for n in self.names}


def representation_sql(queryset, shape: Shape) -> tuple[str, str, tuple]:
    """(SQL for the JSON text of the representation of a row ``a``, the filtered rows' SQL that
    ``a`` ranges over, its parameters)."""
    if shape.mode not in FIGURE_PARTS:
        raise ValueError(f"Unknown figures mode {shape.mode!r}")
    unknown = set(shape.names) - set(FIELDS_BY_NAME)
    if unknown:
        raise ValueError(f"Unknown field(s) {sorted(unknown)}")
    keys, _ = ordering_keys(queryset)
    inner_sql, params = rows_sql(queryset, list(dict.fromkeys([*keys, *ATTACK_VALUES])))
    return properties_sql(shape), inner_sql, tuple(params)


def properties_sql(shape: Shape, *, url_json: str = "") -> str:
    """SQL for the JSON of the fields ``shape`` shows over a row ``a``; ``url_json`` replaces the url's."""
    pairs = ((f.name, url_json if f.name == "url" and url_json else f.json(shape)) for f in ATTACK_FIELDS)
    return sql_object(*(pair for pair in pairs if pair[0] in shape.names))


def representations_json(queryset, shape: Shape) -> dict[int, bytes]:
    """``{attack id: its representation as the JSON renderer writes it}`` for the rows of
    ``queryset`` (a page, or one attack for the detail), written by PostgreSQL in one statement.

    U+2028 and U+2029 are escaped as DRF's JSONRenderer escapes them (valid JSON either way;
    escaped, the text is also valid JavaScript)."""
    properties, inner_sql, params = representation_sql(queryset, shape)
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        set_session(cursor)
        try:
            cursor.execute(f"SELECT a.id, {properties} FROM ({inner_sql}) a", params)
            rows = cursor.fetchall()
        finally:
            restore_session(connection, cursor)
    return {pk: text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode() for pk, text in rows}
