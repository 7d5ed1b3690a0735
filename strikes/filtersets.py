"""The one filterset for attacks: the API, the HTML list, the map and the timeline
all read the same query string the same way.

Semantics (documented for researchers in docs/API.md):

- ``occurred_after`` / ``occurred_before`` are inclusive. A date alone (``2025-04-24``)
  means that whole day in Kyiv time (the same calendar day as the CSV's ``event_date``);
  a date-time without an offset is Kyiv time.
- ``oblast``, ``place``, ``munition``, ``munition_category``, ``target_type`` and
  ``status`` take one value or several separated by commas (any of them matches).
  A name that matches nothing is a 400, not an empty answer.
- ``place`` matches the place and the places inside it (a city's districts).
- ``killed_*`` and ``injured_*`` compare the published best figure; attacks without a
  published figure never match them.
- ``status`` other than ``published`` is for analysts, editors and admins; anyone else
  asking for it gets a 400 (never a silently empty list).
- Staff see every status when ``status`` is not given; everyone else sees published only.
- Discounted attacks (evidence grade) are left out unless ``grade`` names grades.

Why this file is long: every filter of the attacks' query string lives here, so that the API,
the pages, the map and the timeline cannot read one parameter two ways.
"""

import datetime as dt
from functools import partial

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, Q, Value
from django.db.models.functions import Cast, Coalesce, Lower
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from config.api import FilterSet
from config.filters import MAX_INT, BBoxField, ListField, MomentField, PendingIds, StrictBooleanField, TextField
from strikes import search
from strikes.choices import AttackStatus, EvidenceGrade, GeoPrecision, MunitionCategory, PlaceKind, TargetType
from strikes.models import Attack, AttackMunition, Munition, Place, PlaceName, Wave
from strikes.querysets import AttackQuerySet
from strikes.services import SEARCH_CONFIG

MAX_Q = 500  # characters in a full-text query

# What ``ordering`` accepts, and the sort key each one means. Attacks without a
# published toll sort as if it were -1 (after every real toll when descending),
# so the key is never NULL and keyset paging stays exact.
ORDERINGS = {
    "occurred_at": F("occurred_at"),
    "killed_best": Coalesce("killed_best", Value(-1)),
    "updated_at": F("updated_at"),
}
ORDERING_CHOICES = [(name, name) for name in ORDERINGS] + [(f"-{name}", f"-{name}") for name in ORDERINGS]
DEFAULT_ORDERING = "-occurred_at"


# --- Reference lookups (id, name or alias) ---


def _split_ids(values: list[str]) -> tuple[list[int], list[str]]:
    ids, names = [], []
    for v in values:
        if v.isascii() and v.isdigit() and len(v) < 18:  # "²".isdigit(), but int("²") fails
            ids.append(int(v))
        else:
            names.append(v)
    return ids, names


# (what) -> the SQL and parameters of the ids of the rows a resolver may name: compiled once,
# its queryset being fixed per resolver (resolve_oblasts, resolve_places, resolve_munitions).
_ROWS_SQL: dict[str, tuple[str, tuple]] = {}


def _rows_sql(queryset, what: str) -> tuple[str, tuple]:
    """The SQL and parameters of the ids of ``queryset``'s rows, compiled once per ``what``."""
    compiled = _ROWS_SQL.get(what)
    if compiled is None:
        compiled = _ROWS_SQL[what] = queryset.order_by().values("pk").query.sql_with_params()
    return compiled


def _known_ids(queryset, ids: list[int], what: str) -> set[int]:
    """The ids among ``ids`` that are rows of ``queryset`` (the same for every call with this
    ``what``). The ids only: the list's most common filters (``oblast=8&munition=69``), whose
    ORM queries cost more Python to build and compile than the rest of the filtering
    (docs/PERFORMANCE.md §18), so the rows' SQL is compiled once and the ids go as one array."""
    sql, params = _rows_sql(queryset, what)
    with connections[queryset.db].cursor() as cursor:
        sql = f"SELECT u.id FROM unnest(%s::bigint[]) u(id) WHERE u.id IN ({sql})"  # noqa: S608 -- Django compiled it
        cursor.execute(sql, [ids, *params])
        return {row[0] for row in cursor.fetchall()}


def _missing_ids(queryset, ids: list[int], what: str) -> None:
    """A form error naming the ids among ``ids`` that are no row of ``queryset``."""
    found = _known_ids(queryset, ids, what)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(f"No {what} matches {', '.join(missing)}.")


def _resolve(queryset, values: list[str], what: str) -> list[int]:
    """Ids of the rows named by ``values`` (ids, names or aliases, any case); a form error
    for any value naming none.

    A name matching some rows by name and others only by alias means the former: "Kyiv"
    is the city, not every place that lists Kyiv among its other spellings.
    """
    ids, names = _split_ids(values)
    if not names:
        _missing_ids(queryset, ids, what)
        return sorted(set(ids))
    lowered = sorted({n.lower() for n in names})
    rows = _named_rows(queryset, ids, lowered, what)
    found, missing = set(), []
    for i in ids:
        if any(pk == i for pk, _n, _a in rows):
            found.add(i)
        else:
            missing.append(str(i))
    for name in names:
        low = name.lower()
        by_name = {pk for pk, lname, _a in rows if lname == low}
        by_alias = {pk for pk, _n, aliases in rows if low in {a.lower() for a in aliases}}
        hits = by_name or by_alias
        if hits:
            found |= hits
        else:
            missing.append(name)
    if missing:
        raise ValidationError(f"No {what} matches {', '.join(missing)}.")
    return sorted(found)


def _named_rows(queryset, ids: list[int], lowered: list[str], what: str) -> list[tuple[int, str, list[str]]]:
    """(id, lower(name), aliases) of the rows of ``queryset`` (a table with ``name`` and
    ``aliases``) that are one of ``ids``, or whose name (lowered by PostgreSQL) or an alias is
    one of ``lowered``. SQL written here around the rows' SQL compiled once (``_rows_sql``), the
    values as arrays: the ORM query this was cost more Python to build and compile than to run
    (a third of the list's filtering with ``munition=artillery shell``)."""
    rows_sql, params = _rows_sql(queryset, what)
    table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
    sql = (
        f"SELECT r.id, lower(r.name), r.aliases FROM {table} r WHERE r.id IN ({rows_sql})"  # noqa: S608 -- compiled
        " AND (r.id = ANY(%s::bigint[]) OR lower(r.name) = ANY(%s::text[])"
        " OR EXISTS (SELECT 1 FROM unnest(r.aliases) AS alias WHERE lower(alias) = ANY(%s::text[])))"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*params, ids, lowered, lowered])
        return cursor.fetchall()


def _spelling_hits(queryset, spellings: list[str], what: str) -> dict[int, list[tuple[int, bool]]]:
    """{i: [(place id, is primary), ...]}: the places of ``queryset`` one of whose spellings
    (``PlaceName``) equals ``spellings[i]`` in any case (``lower()`` on both sides, in
    PostgreSQL). A spelling row equal to several of them counts under the first (the CASE the
    ORM query used had that order). SQL written here, as ``_named_rows``; the join walks
    strikes_placename_lower (a CASE over every spelling read all 41,764 rows)."""
    rows_sql, params = _rows_sql(queryset, what)
    table = connections[queryset.db].ops.quote_name(PlaceName._meta.db_table)
    sql = (
        f"SELECT min(t.i) - 1, n.place_id, n.is_primary FROM {table} n"  # noqa: S608 -- compiled
        " JOIN unnest(%s::text[]) WITH ORDINALITY t(spelling, i) ON lower(n.name) = lower(t.spelling)"
        f" WHERE n.place_id IN ({rows_sql}) GROUP BY n.id, n.place_id, n.is_primary"
    )
    hits: dict[int, list[tuple[int, bool]]] = {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [spellings, *params])
        for i, pk, primary in cursor.fetchall():
            hits.setdefault(i, []).append((pk, primary))
    return hits


class RefField(ListField):
    """A list of ids or names resolved against a reference table while the form is cleaned.

    Ids alone are left for the form to find (``PendingIds``) with the other fields' in one
    statement; a name is resolved here."""

    def __init__(self, *args, resolver=None, **kwargs):
        self.resolver = resolver
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        items = super().to_python(value)
        if items is None:
            return None
        ids, names = _split_ids(items)
        if not names and isinstance(self.resolver, Resolver):
            queryset = self.resolver.rows()
            return PendingIds(ids, _rows_sql(queryset, self.resolver.what), queryset.db, self.resolver.what)
        return self.resolver(items)


def _resolve_places(queryset, values: list[str], what: str, *, suffix: str = "") -> list[int]:
    """Ids of the places named by ``values`` (ids, or any spelling in ``PlaceName``, any case);
    a form error for any value naming none.

    A spelling that is some places' name and only other places' alias means the former: "Kyiv"
    is the city, not every place that lists Kyiv among its other spellings. With ``suffix``,
    a value naming nothing is tried again with it ("Kharkiv" + " oblast": ACLED's admin1
    and everyday usage name an oblast by its centre's name, which alone means the city).
    """
    ids, names = _split_ids(values)
    if not names:
        _missing_ids(queryset, ids, what)
        return sorted(set(ids))
    found = _known_ids(queryset, ids, what) if ids else set()
    missing = [str(i) for i in ids if i not in found]
    if names:
        tries = [(name, name) for name in names] + ([(name, f"{name}{suffix}") for name in names] if suffix else [])
        hits_by_try = _spelling_hits(queryset, [spelling.strip() for _n, spelling in tries], what)
        for name in names:
            for i, (given, _spelling) in enumerate(tries):
                hits = hits_by_try.get(i) if given == name else None
                if hits:
                    by_name = {pk for pk, primary in hits if primary}
                    found |= by_name or {pk for pk, _p in hits}
                    break
            else:
                missing.append(name)
    if missing:
        raise ValidationError(f"No {what} matches {', '.join(missing)}.")
    return sorted(found)


class Resolver:
    """Values naming rows of a reference table (``rows()``, called per use: its database is the
    router's choice per request) -> their ids, a form error for a value naming none."""

    def __init__(self, rows, what: str, resolve):
        self.rows, self.what, self._resolve = rows, what, resolve

    def __call__(self, values):
        return self._resolve(self.rows(), values, self.what)


resolve_oblasts = Resolver(Place.objects.oblasts, "oblast", partial(_resolve_places, suffix=" oblast"))
resolve_places = Resolver(Place.objects.all, "place", _resolve_places)
resolve_munitions = Resolver(Munition.objects.all, "munition", _resolve)


class HasMunition(Expression):
    """Whether the attack has a munition that ``kind`` names among ``values``: munition ids
    (``munition``), categories (``category``) or makers' countries, lowered (``origin_country``).

    The same rows as ``Exists(AttackMunition.objects.filter(..., attack_id=OuterRef("pk")))``,
    which the ORM built and compiled on every request with a munition filter (0.3 ms of the
    three-filter list's Python, docs/PERFORMANCE.md §30): here the subquery's SQL is written
    once. The outer attack's id stays an ORM column (``F("pk")``), so a query that nests the
    attack query (saved searches, aggregates, ``pk__in``) relabels its alias as any column's.
    """

    output_field = BooleanField()

    def __init__(self, kind: str, values: list, attack_id=None):
        if kind not in _MUNITION_CONDITIONS:
            raise ValueError(f"Unknown munition condition {kind!r}.")
        super().__init__()
        self.kind, self.values = kind, list(values)
        self.attack_id = F("pk") if attack_id is None else attack_id

    def get_source_expressions(self):
        return [self.attack_id]

    def set_source_expressions(self, exprs):
        (self.attack_id,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.attack_id)
        return _munition_sql(self.kind, connection).format(attack_id=column), (*params, self.values)


# kind -> the condition on the attack's munition row ``am`` (``%s``: the values, as an array).
_MUNITION_CONDITIONS = {
    "munition": "am.munition_id = ANY(%s::bigint[])",
    "category": "am.munition_id IN (SELECT mu.id FROM {munition} mu WHERE mu.category = ANY(%s::text[]))",
    "origin_country": (
        "am.munition_id IN (SELECT mu.id FROM {munition} mu WHERE lower(mu.origin_country) = ANY(%s::text[]))"
    ),
}


_MUNITION_SQL: dict[str, str] = {}  # kind -> the whole EXISTS, written at first use


def _munition_sql(kind: str, connection) -> str:
    sql = _MUNITION_SQL.get(kind)
    if sql is None:
        link, munition = (connection.ops.quote_name(m._meta.db_table) for m in (AttackMunition, Munition))
        condition = _MUNITION_CONDITIONS[kind].format(munition=munition)
        exists = f"EXISTS (SELECT 1 FROM {link} am WHERE am.attack_id = {{attack_id}} AND {condition})"  # noqa: S608
        sql = _MUNITION_SQL[kind] = exists  # (our own table names and conditions only)
    return sql


class _Filter(filters.Filter):
    """A filter whose value was fully parsed by its field; ``method`` does the query."""


@extend_schema_field(OpenApiTypes.STR)
class MomentFilter(_Filter):
    field_class = MomentField


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(_Filter):
    field_class = BBoxField


@extend_schema_field(OpenApiTypes.STR)
class ListFilter(_Filter):
    field_class = ListField


@extend_schema_field(OpenApiTypes.STR)
class RefFilter(_Filter):
    field_class = RefField


@extend_schema_field(OpenApiTypes.BOOL)
class BoolFilter(_Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class QueryFilter(_Filter):
    field_class = TextField


@extend_schema_field(OpenApiTypes.INT)
class CountFilter(_Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(*args, **kwargs)


class AttackFilterSet(FilterSet):
    """Attack filters shared by the API, the pages, the map and the timeline.

    Restricts to what ``request.user`` may see (published only without a request).
    ``apply_ordering = False`` skips ordering, for aggregates (map, timeline).
    """

    occurred_after = MomentFilter(method="filter_occurred_after", help_text="On or after (ISO date or date-time).")
    occurred_before = MomentFilter(
        method="filter_occurred_before", help_text="On or before (ISO date or date-time; a date covers the whole day)."
    )
    bbox = BBoxFilter(method="filter_bbox", help_text="min_lon,min_lat,max_lon,max_lat (WGS 84 degrees).")
    oblast = RefFilter(
        method="filter_oblast",
        resolver=resolve_oblasts,
        help_text=(
            "Oblast id, name or alias (any case, any language), or its centre's name as ACLED's "
            "admin1 writes it (Kharkiv, Odesa); comma-separated for any."
        ),
    )
    place = RefFilter(
        method="filter_place",
        resolver=resolve_places,
        help_text="Place id or name; includes places inside it (a city's districts).",
    )
    munition = RefFilter(method="filter_munition", resolver=resolve_munitions, help_text="Munition id, name or alias.")
    munition_category = ListFilter(
        method="filter_munition_category", allowed=MunitionCategory.values, help_text="Munition category."
    )
    origin_country = ListFilter(method="filter_origin_country", help_text="Country that made the munition.")
    target_type = ListFilter(method="filter_target_type", allowed=TargetType.values, help_text="Target type.")
    killed_min = CountFilter(field_name="killed_best", lookup_expr="gte", help_text="Published killed (best) ≥ this.")
    killed_max = CountFilter(field_name="killed_best", lookup_expr="lte", help_text="Published killed (best) ≤ this.")
    injured_min = CountFilter(
        field_name="injured_best", lookup_expr="gte", help_text="Published injured (best) ≥ this."
    )
    geo_precision_max = CountFilter(
        field_name="geo_precision",
        lookup_expr="lte",
        min_value=min(GeoPrecision.values),
        max_value=max(GeoPrecision.values),
        help_text="Location at least this precise (1 exact … 6 country).",
    )
    disputed = BoolFilter(field_name="disputed", help_text="Sources disagree on a published figure.")
    status = ListFilter(method="filter_status", allowed=AttackStatus.values, help_text="Staff only except 'published'.")
    grade = ListFilter(
        method="filter_grade",
        allowed=EvidenceGrade.values,
        help_text=(
            "Evidence grade(s), comma-separated (docs/RECONCILIATION.md). Without it, discounted attacks "
            "are left out of lists, counts, maps, timelines and exports; name 'discounted' to see them."
        ),
    )
    q = QueryFilter(method="filter_q", max_length=MAX_Q, help_text="Full-text search (web search syntax).")
    updated_since = MomentFilter(method="filter_updated_since", help_text="Changed on or after this moment.")
    ordering = filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_noop", help_text="Sort order; default -occurred_at."
    )

    apply_ordering = True
    _posting_date = None  # set by filter_q when the search walks a word's postings

    class Meta:
        model = Attack
        fields = []

    # --- validation that depends on the user ---

    def is_valid(self):
        valid = super().is_valid()
        if valid and not AttackQuerySet.shows_unpublished_to(getattr(self.request, "user", None)):
            statuses = self.form.cleaned_data.get("status") or []
            if any(s != AttackStatus.PUBLISHED for s in statuses):
                self.form.add_error(
                    "status", "Only published attacks are public; drafts and retractions need a staff role."
                )
                return False
        return valid and self._ranges_in_order()

    def _ranges_in_order(self) -> bool:
        """An inverted range (after later than before, min above max) is a 400 like an
        inverted bbox, never an empty answer that looks like "nothing happened"."""
        data = self.form.cleaned_data
        start, end, exclusive = date_range(data)
        if start is not None and end is not None and (start >= end if exclusive else start > end):
            self.form.add_error("occurred_after", "occurred_after is later than occurred_before.")
            return False
        low, high = data.get("killed_min"), data.get("killed_max")
        if low is not None and high is not None and low > high:
            self.form.add_error("killed_min", "killed_min is above killed_max.")
            return False
        return True

    def filter_queryset(self, queryset):
        queryset = queryset.visible_to(getattr(self.request, "user", None))
        if not self.form.cleaned_data.get("grade"):
            # Kept and shown as such on its own page, but not counted unless asked for by grade=.
            queryset = queryset.exclude(grade=EvidenceGrade.DISCOUNTED)
        queryset = super().filter_queryset(queryset)
        if self.apply_ordering:
            queryset = self.order(queryset)
        return queryset

    def order(self, queryset):
        """Order by ``ordering`` (default: rank for ``q``, else newest first), ties by id."""
        data = self.form.cleaned_data
        ordering = data.get("ordering")
        if not ordering and data.get("q"):
            # ts_rank is a float4; as float8 it survives the trip through the cursor exactly,
            # so rows tied on rank are neither repeated nor skipped between pages.
            rank = Cast(SearchRank(F("search_vector"), self._search_query(data["q"])), FloatField())
            return queryset.annotate(sort_key=rank).order_by("-sort_key", "-id")
        ordering = ordering or DEFAULT_ORDERING
        name = ordering.lstrip("-")
        direction = "-" if ordering.startswith("-") else ""
        # A search walking its postings orders by the posting's date (the attack's, kept equal
        # by the database): the index's own order (strikes.search).
        key = self._posting_date if name == "occurred_at" and self._posting_date is not None else ORDERINGS[name]
        return queryset.annotate(sort_key=key).order_by(f"{direction}sort_key", f"{direction}id")

    def plan_values(self, name: str, value) -> tuple:
        # The exclusive bound of a date-only occurred_before; origin_country's values lowered;
        # the word whose postings a search walks (the text itself comes stripped by its field).
        if name == "occurred_before" and value and value[1]:
            return (_upper_bound(value),)
        if name == "origin_country" and value:
            return ([v.lower() for v in value],)
        if name == "q" and value:
            walk = self._search_plan(value)
            return () if walk is None or walk.term is None else (walk.term,)
        return ()

    def plan_shape(self, name: str, value):
        # A search's SQL depends on whether it walks a word's postings, and how (strikes.search).
        if name == "q" and value:
            walk = self._search_plan(value)
            return None if walk is None else ("walk", walk.term is None, walk.alone)
        return None

    def _search_plan(self, value: str):
        """The postings walk ``filter_q`` makes for ``value`` (None: no walk, the plain ``@@``)."""
        if not self._walks_postings():
            return None
        return search.plan(value.strip(), using=self.queryset.db)

    # --- filters ---

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_occurred_after(self, queryset, name, value):
        moment, _date_only = value
        return queryset.filter(occurred_at__gte=moment)

    def filter_occurred_before(self, queryset, name, value):
        moment, date_only = value
        if date_only:
            return queryset.filter(occurred_at__lt=_upper_bound(value))
        return queryset.filter(occurred_at__lte=moment)

    def filter_updated_since(self, queryset, name, value):
        moment, _date_only = value
        return queryset.filter(updated_at__gte=moment)

    def filter_bbox(self, queryset, name, value):
        return queryset.in_bbox(*value)

    def filter_oblast(self, queryset, name, ids):
        # Attack.oblast is the place's oblast or the place itself when it is one (kept by a
        # trigger): one indexed column, walked in list order (strikes_attack_oblast_occ).
        return queryset.filter(oblast_id__in=ids)

    def filter_place(self, queryset, name, ids):
        places = Place.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)).values("pk")
        return queryset.filter(place_id__in=places)

    def filter_munition(self, queryset, name, ids):
        return queryset.filter(HasMunition("munition", ids))

    def filter_munition_category(self, queryset, name, values):
        return queryset.filter(HasMunition("category", values))

    def filter_origin_country(self, queryset, name, values):
        return queryset.filter(HasMunition("origin_country", [v.lower() for v in values]))

    def filter_target_type(self, queryset, name, values):
        return queryset.filter(target_type__in=values)

    def filter_status(self, queryset, name, values):
        return queryset.filter(status__in=values)

    def filter_grade(self, queryset, name, values):
        return queryset.filter(grade__in=values)

    @staticmethod
    def _search_query(text: str) -> SearchQuery:
        return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matches = Q(search_vector=self._search_query(value))
        if self._walks_postings():
            # Newest (or oldest) first over everything: walk one word's postings in date order
            # instead of sorting every match (strikes.search; the same rows and pages).
            queryset, self._posting_date = search.by_date(queryset, matches, value)
            return queryset
        return queryset.filter(matches)

    def _walks_postings(self) -> bool:
        """Whether ``q`` reads the postings: the list is ordered by ``occurred_at`` (rank, the
        default with ``q``, needs every match), no other filter narrows it, and the rows are
        today's (an ``as_of`` snapshot's dates may differ from the postings').

        With another filter the plain ``@@`` stays: PostgreSQL intersects the GIN index with the
        filter's own index and sorts the few rows left (1 ms for q=school, 2024, Kharkiv and a
        munition at 100,000 attacks), while a walk would probe each posting of the word.
        """
        from strikes.api import asof  # the snapshot is the API's; imported late to keep layers

        data = self.form.cleaned_data
        ordering = (data.get("ordering") or "").lstrip("-")
        narrowed = any(value not in (None, "", []) for key, value in data.items() if key not in ("q", "ordering"))
        return self.apply_ordering and ordering == "occurred_at" and not narrowed and not asof.active()


class AttackAggregateFilterSet(AttackFilterSet):
    """The attack filters without ordering, for the map and the timeline (which group rows)."""

    apply_ordering = False


del AttackAggregateFilterSet.base_filters["ordering"]


# --- Reference data and waves ---


class _OrderedFilterSet(FilterSet):
    """A filterset whose result is ordered by ``order_by`` (ending with id, for keyset paging)."""

    order_by: tuple[str, ...] = ("id",)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*self.order_by)


def _name_contains(queryset, value: str):
    """Name contains ``value`` (any case), or any spelling equals it (any case)."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(Q(name__icontains=value) | Q(pk__in=Place.objects.named(value).values("pk")))


class PlaceFilterSet(_OrderedFilterSet):
    """Gazetteer filters: kind, oblast, parent, name search."""

    kind = ListFilter(method="filter_kind", allowed=PlaceKind.values, help_text="Place kind(s).")
    oblast = RefFilter(method="filter_oblast", resolver=resolve_oblasts, help_text="Oblast id, name or alias.")
    parent = CountFilter(field_name="parent_id", help_text="Id of the enclosing place.")
    q = QueryFilter(method="filter_q", max_length=200, help_text="Name contains, or an alias equals (any case).")

    order_by = ("name", "id")

    class Meta:
        model = Place
        fields = []

    def filter_kind(self, queryset, name, values):
        return queryset.filter(kind__in=values)

    def filter_oblast(self, queryset, name, ids):
        return queryset.filter(Q(oblast_id__in=ids) | Q(pk__in=ids))

    def filter_q(self, queryset, name, value):
        return _name_contains(queryset, value)


class MunitionFilterSet(_OrderedFilterSet):
    """Catalogue filters: category, origin country, generic classes, name search."""

    category = ListFilter(method="filter_category", allowed=MunitionCategory.values, help_text="Category(ies).")
    origin_country = ListFilter(method="filter_origin", help_text="Country that made it (any case).")
    is_generic = BoolFilter(field_name="is_generic", help_text="Catalogue rows naming a class, not a model.")
    q = QueryFilter(method="filter_q", max_length=200, help_text="Name contains, or an alias equals (any case).")

    order_by = ("name", "id")

    class Meta:
        model = Munition
        fields = []

    def filter_category(self, queryset, name, values):
        return queryset.filter(category__in=values)

    def filter_origin(self, queryset, name, values):
        return queryset.annotate(_origin=Lower("origin_country")).filter(_origin__in=[v.lower() for v in values])

    def filter_q(self, queryset, name, value):
        return _name_contains(queryset, value)


class WaveFilterSet(_OrderedFilterSet):
    """Wave filters: when it started, which munitions it counted, what changed."""

    started_after = MomentFilter(method="filter_started_after", help_text="Started on or after.")
    started_before = MomentFilter(method="filter_started_before", help_text="Started on or before (a date: that day).")
    munition = RefFilter(method="filter_munition", resolver=resolve_munitions, help_text="Munition id, name or alias.")
    updated_since = MomentFilter(method="filter_updated_since", help_text="Changed on or after this moment.")

    order_by = ("-started_at", "-id")

    class Meta:
        model = Wave
        fields = []

    def filter_started_after(self, queryset, name, value):
        return queryset.filter(started_at__gte=value[0])

    def filter_started_before(self, queryset, name, value):
        return (
            queryset.filter(started_at__lt=_upper_bound(value))
            if value[1]
            else queryset.filter(started_at__lte=value[0])
        )

    def filter_munition(self, queryset, name, ids):
        return queryset.filter(counts__munitions__in=ids).distinct()

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(updated_at__gte=value[0])


def _upper_bound(value) -> dt.datetime:
    """For a date-only value, the first moment of the next day (exclusive bound)."""
    moment, _date_only = value
    next_day = (moment + dt.timedelta(days=1)).date()
    return dt.datetime(next_day.year, next_day.month, next_day.day, tzinfo=moment.tzinfo)


def date_range(cleaned: dict) -> tuple[dt.datetime | None, dt.datetime | None, bool]:
    """(start inclusive, end, end_exclusive) from cleaned ``occurred_after``/``occurred_before``."""
    start = cleaned.get("occurred_after")
    end = cleaned.get("occurred_before")
    start_at = start[0] if start else None
    if not end:
        return start_at, None, False
    if end[1]:
        return start_at, _upper_bound(end), True
    return start_at, end[0], False
