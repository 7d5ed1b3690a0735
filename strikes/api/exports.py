# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""Whole-set exports of a filtered attack query: CSV and GeoJSON, streamed.

Each is one ``COPY (SELECT ...) TO STDOUT`` over the filtered queryset, formatted by
PostgreSQL and passed on as it arrives (constant memory; one statement, so one
snapshot: every row exactly once). CSV rows are formatted columns; GeoJSON rows are
whole Features, the same JSON the attack representation gives.

The same representation SQL writes the JSON list's rows and the detail
(``representations_json``), so every read of an attack shows the same bytes.

CSV columns (stable; docs/API.md documents each, the ACLED importer reads them back):
ACLED's names where the column means the same, then ours.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections
from django.utils import timezone
from psycopg.pq import TransactionStatus

from config.api import KeysetPagination
from strikes.api.figures import CATEGORIES
from strikes.api.serializers import ATTACK_VALUES

# ACLED codes 1-3 (1 = most precise). Ours are finer; the mapping is documented in docs/API.md.
ACLED_TIME_PRECISION = {"exact": 1, "hour": 1, "day": 1, "week": 2, "month": 3}
# 1 exact, 3 district, 4 city -> the town is known (1); 2 near a town -> 2; 5 oblast, 6 country -> 3.
ACLED_GEO_PRECISION = {1: 1, 2: 2, 3: 1, 4: 1, 5: 3, 6: 3}

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "time_precision",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]
FIGURE_COLUMNS = [f"{category}_{part}" for category in CATEGORIES for part in ("best", "low", "high", "status")]
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
    *FIGURE_COLUMNS,
    "disputed",
    "source_urls",
    "status",
    "created_at",
    "updated_at",
]
CSV_COLUMNS = ACLED_COLUMNS + OUR_COLUMNS


def _rows_sql(queryset, columns: list[str]) -> tuple[str, tuple]:
    """SQL and parameters selecting ``columns`` of the filtered rows, unordered.

    A filter Django knows matches nothing (an id beyond the integer range, say) has no SQL:
    Django raises EmptyResultSet; the same columns of no row are selected instead."""
    try:
        return queryset.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:
        return queryset.model.objects.filter(pk__in=[0]).values(*columns).query.sql_with_params()


# --- CSV: one COPY statement, formatted by PostgreSQL ---
#
# The CSV is produced by PostgreSQL itself: ``COPY (SELECT ...) TO STDOUT WITH CSV`` over the
# filtered queryset, streamed to the client as PostgreSQL sends it. Python never sees a row,
# so the export runs at the database's speed (see docs/PERFORMANCE.md) in constant memory
# (psycopg hands over the stream a row at a time; we pass it on in ~64 KB pieces).
#
# Every column is formatted exactly as the earlier Python writer did (csv.writer over
# str()/isoformat() values), because the ACLED importer reads our export back:
# - an empty or missing value is written as NULL, which COPY leaves unquoted ("" would be
#   written for an empty string);
# - floats as Python's repr (PostgreSQL's shortest round-trip text, plus ".0" for whole numbers);
# - date-times as ``datetime.isoformat()`` in the current time zone (microseconds only when
#   non-zero, offset as +HH:MM).
# Lines end with "\n" (COPY's terminator); the header is written the same way.

COPY_BUFFER = 64 * 1024


def _iso(column: str) -> str:
    """SQL for ``column.astimezone(tz).isoformat()``; the export sets the session's TimeZone
    to ``tz`` for the statement, so to_char's TZH:TZM is its offset. One to_char call per
    value (it was three and a date_part: a quarter of the time of each time column)."""
    return (
        f"CASE WHEN date_trunc('second', {column}) = {column}"
        f" THEN to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"
        f" ELSE to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM') END"
    )


def _float(column: str) -> str:
    """SQL for ``str(column)`` of a float ("30.0", not PostgreSQL's "30")."""
    whole = f"{column} = trunc({column}) AND abs({column}) < 1e15"
    return f"CASE WHEN {whole} THEN {column}::text || '.0' ELSE {column}::text END"


def _case(column: str, mapping: dict) -> str:
    whens = " ".join(f"WHEN {_sql_literal(k)} THEN {_sql_literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


def _sql_literal(value) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# Figure columns per mode: (best, low, high) of casualties_publishedfigure (casualties.reconcile.figure_mode).
_FIGURE_PARTS = {
    "decided": ("best", "low", "high"),
    "conservative": ("conservative", "conservative", "conservative"),
    "range": ("best", "range_low", "range_high"),
}

# Per-attack aggregates a column needs, each a CTE grouped by attack over the filtered ids
# (``{ids}``: the filtered query itself, not a reference to the CTE ``f``, whose size the
# planner cannot see: it guessed 200 rows and probed an index 920,000 times at a million
# attacks). Only the ones asked for are computed. For the whole set PostgreSQL merges each
# table once in attack order (a per-row lateral lookup was 3x slower at 200,000 rows); for
# a small filtered set it probes the indexes on ``attack_id``.
_FIGURES_CTE = """fig AS (
    SELECT pf.attack_id, {aggregates} FROM casualties_publishedfigure pf
    WHERE pf.attack_id IN ({ids}) GROUP BY pf.attack_id
)"""
_MUNITIONS_CTE = """mun AS (
    SELECT
        am.attack_id,
        string_agg(CASE WHEN am.count IS NULL THEN mu.name ELSE mu.name || ' [' || am.count || ']' END,
                   '; ' ORDER BY mu.name) AS names,
        array_agg(mu.category ORDER BY mu.name) AS categories,
        array_agg(NULLIF(mu.origin_country, '') ORDER BY mu.name) AS origins
    FROM strikes_attackmunition am JOIN strikes_munition mu ON mu.id = am.munition_id
    WHERE am.attack_id IN ({ids}) GROUP BY am.attack_id
)"""
_SOURCES_CTE = """src AS (
    SELECT
        ar.attack_id,
        array_agg(NULLIF(ou.name, '') ORDER BY ar.published_at, ar.id) AS outlets,
        string_agg(NULLIF(COALESCE(NULLIF(ar.canonical_url, ''), ar.url), ''), ' '
                   ORDER BY ar.published_at, ar.id) AS urls
    FROM sources_article ar LEFT JOIN sources_outlet ou ON ou.id = ar.outlet_id
    WHERE ar.attack_id IN ({ids}) GROUP BY ar.attack_id
)"""


# Up to this many elements, the distinct values are picked by comparisons written out in the
# statement (concat_ws skips the NULLs); longer arrays take the general subquery.
_INLINE_DISTINCT = 4


def _distinct_join(array: str, sep: str) -> str:
    """Non-null elements of ``array``, first occurrence kept, joined by ``sep`` (NULL when none).

    Nearly every attack has at most four sources and munitions: for those, each element is
    kept unless it equals an earlier one, written out as comparisons (a subquery per row cost
    3 s of a million-row export). Longer arrays keep an element where it first occurs
    (``array_position``), which is twice as fast as grouping.
    """
    inline = []
    for i in range(1, _INLINE_DISTINCT + 1):
        earlier = " AND ".join(f"{array}[{i}] IS DISTINCT FROM {array}[{j}]" for j in range(1, i))
        inline.append(f"CASE WHEN {earlier} THEN {array}[{i}] END" if earlier else f"{array}[1]")
    first = (
        f"SELECT v FROM unnest({array}) WITH ORDINALITY AS u(v, pos) "
        f"WHERE v IS NOT NULL AND array_position({array}, v) = pos ORDER BY pos"
    )
    return (
        f"CASE WHEN cardinality({array}) <= {_INLINE_DISTINCT}"
        f" THEN NULLIF(concat_ws('{sep}', {', '.join(inline)}), '')"
        f" ELSE NULLIF(array_to_string(ARRAY({first}), '{sep}'), '') END"
    )


def _csv_expressions(mode: str) -> dict[str, tuple[str, str | None]]:
    """``{column: (SQL expression, aggregate it needs or None)}``."""
    oblast_id = "COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)"
    oblast_name = "CASE WHEN p.oblast_id IS NOT NULL THEN o.name WHEN p.kind = 'oblast' THEN p.name END"
    exprs = {
        "event_id_cnty": ("'UKR-SW' || a.id", None),
        "event_date": ("to_char(a.occurred_at, 'YYYY-MM-DD')", None),
        "time_precision": (_case("a.time_precision", ACLED_TIME_PRECISION), None),
        "admin1": (f"NULLIF({oblast_name}, '')", None),
        "location": ("NULLIF(p.name, '')", None),
        "latitude": (_float("a.latitude"), None),
        "longitude": (_float("a.longitude"), None),
        "geo_precision": (_case("a.geo_precision", ACLED_GEO_PRECISION), None),
        "source": (_distinct_join("src.outlets", "; "), "sources"),
        "notes": ("NULLIF(a.description, '')", None),
        "fatalities": ("fig.killed_best", "figures"),
        "id": ("a.id", None),
        "occurred_at": (_iso("a.occurred_at"), None),
        "occurred_precision": ("a.time_precision", None),
        "location_precision": ("a.geo_precision", None),
        "place_id": ("a.place_id", None),
        "oblast_id": (oblast_id, None),
        "target_type": ("a.target_type", None),
        "wave_id": ("a.wave_id", None),
        "munitions": ("mun.names", "munitions"),
        "munition_categories": (_distinct_join("mun.categories", "; "), "munitions"),
        "origin_countries": (_distinct_join("mun.origins", "; "), "munitions"),
        "disputed": ("CASE WHEN a.disputed THEN 'true' ELSE 'false' END", None),
        "source_urls": ("src.urls", "sources"),
        "status": ("a.status", None),
        "created_at": (_iso("a.created_at"), None),
        "updated_at": (_iso("a.updated_at"), None),
    }
    for category in CATEGORIES:
        exprs[f"{category}_best"] = (f"fig.{category}_best", "figures")
        exprs[f"{category}_low"] = (f"fig.{category}_low", "figures")
        exprs[f"{category}_high"] = (f"fig.{category}_high", "figures")
        exprs[f"{category}_status"] = (f"fig.{category}_status", "figures")
    return exprs


def csv_copy_sql(queryset, *, mode: str, columns: list[str]) -> tuple[str, tuple]:
    """``COPY (SELECT ...) TO STDOUT WITH CSV`` for the rows of ``queryset`` in its order."""
    if mode not in _FIGURE_PARTS:
        raise ValueError(f"Unknown figures mode {mode!r}")
    names, descending = KeysetPagination._keys(queryset)
    names = ["id" if n == "pk" else n for n in names]
    # The filtered ids (and sort keys) exactly as the list would select them.
    inner_sql, inner_params = _rows_sql(queryset, names)
    exprs = _csv_expressions(mode)
    joins = {exprs[c][1] for c in columns} - {None}
    direction = " DESC" if descending else ""
    order = ", ".join(f"f.{n}{direction}" for n in names)
    selected = ", ".join(exprs[c][0] for c in columns)
    ctes = [f"f AS MATERIALIZED ({inner_sql})"]
    params = list(inner_params)
    ids = f"SELECT ids.id FROM ({inner_sql}) ids"
    outer = []
    if "figures" in joins:
        best, low, high = _FIGURE_PARTS[mode]
        aggregates = ", ".join(
            f"max(pf.{part}) FILTER (WHERE pf.category = '{category}') AS {category}_{name}"
            for category in CATEGORIES
            for name, part in (("best", best), ("low", low), ("high", high), ("status", "status"))
        )
        ctes.append(_FIGURES_CTE.format(aggregates=aggregates, ids=ids))
        params += inner_params
        outer.append("LEFT JOIN fig ON fig.attack_id = a.id")
    if "munitions" in joins:
        ctes.append(_MUNITIONS_CTE.format(ids=ids))
        params += inner_params
        outer.append("LEFT JOIN mun ON mun.attack_id = a.id")
    if "sources" in joins:
        ctes.append(_SOURCES_CTE.format(ids=ids))
        params += inner_params
        outer.append("LEFT JOIN src ON src.attack_id = a.id")
    select = (
        f"WITH {', '.join(ctes)} "
        f"SELECT {selected} FROM f JOIN strikes_attack a ON a.id = f.id "
        "LEFT JOIN strikes_place p ON p.id = a.place_id LEFT JOIN strikes_place o ON o.id = p.oblast_id "
        + " ".join(outer)
        + f" ORDER BY {order}"
    )
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", tuple(params)


def csv_rows(queryset, *, mode: str, columns: list[str]) -> Iterator[bytes]:
    """CSV bytes, header first, then one line per attack, as PostgreSQL writes them."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(columns)
    yield header.getvalue().encode("utf-8")
    tz = str(timezone.get_current_timezone())
    statement, params = csv_copy_sql(queryset, mode=mode, columns=columns)
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        # For this statement only: dates and offsets are formatted by to_char in the session's
        # zone, so that is the export's zone; and no JIT, whose compilation of these expressions
        # cost 2.5 s at 200,000 rows (more than the query). Put back right after the COPY.
        cursor.execute("SELECT set_config('TimeZone', %s, false), set_config('jit', 'off', false)", [tz])
        try:
            buffer = bytearray()
            with cursor.cursor.copy(statement, params or None) as copy:
                for data in copy:
                    buffer += data
                    if len(buffer) >= COPY_BUFFER:
                        yield bytes(buffer)
                        buffer.clear()
            if buffer:
                yield bytes(buffer)
        finally:
            _restore_settings(connection, cursor)


def _restore_settings(connection, cursor) -> None:
    """Back to the connection's own zone and the server's JIT setting.

    In a failed transaction the rollback to come undoes both; a connection that cannot be
    put back is closed rather than handed to the next request with the export's zone.
    """
    if connection.connection.info.transaction_status == TransactionStatus.INERROR:
        return
    try:
        cursor.execute(
            "SELECT set_config('TimeZone', %s, false), "
            "set_config('jit', (SELECT reset_val FROM pg_settings WHERE name = 'jit'), false)",
            [connection.timezone_name],
        )
    except DatabaseError:
        connection.close()


# --- GeoJSON: one COPY statement, each Feature written by PostgreSQL ---
#
# Each Feature is one line of ``COPY (SELECT ...) TO STDOUT``: PostgreSQL writes the JSON
# text, and Python only joins the lines with commas (a 10,000-feature export built in Python
# through the representation took ~1.5 s; docs/PERFORMANCE.md). The bytes are exactly what
# ``json.dumps(feature(row, attack_representation(...)), ensure_ascii=False,
# separators=(",", ":"))`` wrote, which tests/api/test_geojson_sql.py checks against the
# JSON list:
# - objects are concatenated text, not json_build_object (it writes " : " and ", ") or
#   jsonb (it reorders keys); keys in the representation's order;
# - strings go through to_json(text), which escapes exactly as json.dumps with
#   ensure_ascii=False does (quote, backslash, \b \f \n \r \t, other controls as \u00XX);
# - floats and date-times as for the CSV (``_float``, ``_iso``);
# - the COPY runs in CSV format with a control character as quote and delimiter: JSON text
#   holds no raw control character, so no line is ever quoted and each is the Feature as is.
#   Lines end with "\n", which JSON text cannot contain either: joining is a byte replace.


def _json(column: str) -> str:
    """SQL for the JSON text of a text, integer or boolean value ("null" for NULL)."""
    return f"COALESCE(to_json({column})::text, 'null')"


def _json_float(column: str) -> str:
    return f"COALESCE({_float(column)}, 'null')"


def _json_iso(column: str) -> str:
    return f"COALESCE('\"' || {_iso(column)} || '\"', 'null')"


def _sql_text(value: str) -> str:
    """A SQL string literal of ``value`` ("%" doubled: the statement goes through psycopg's
    placeholder substitution)."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


def _object(*pairs: tuple[str, str]) -> str:
    """SQL writing ``{"key":value,...}`` from (key, SQL for the value's JSON text).

    One concat() call: a chain of ``||`` copies the text built so far at every step, which
    made PostgreSQL spend most of an export copying the same bytes (quadratic in the size
    of a Feature)."""
    if not pairs:
        return "'{}'"
    parts = []
    for i, (key, value) in enumerate(pairs):
        parts += [_sql_text(("{" if i == 0 else ",") + json.dumps(key) + ":"), value]
    return f"concat({', '.join(parts)}, '}}')"


def _json_array(select: str) -> str:
    """SQL writing ``[a,b,...]`` from a subquery of JSON texts, in its order."""
    return f"'[' || array_to_string(ARRAY({select}), ',') || ']'"


def _geojson_properties(mode: str, url_head: str, url_tail: str) -> dict[str, str]:
    """``{field: SQL for its JSON text}`` over one attack row ``a`` (the columns of
    ``ATTACK_VALUES``), in the order of ``strikes.api.serializers.ATTACK_FIELDS``.

    Munitions, sources and figures are subqueries on the attack's id: evaluated after the
    sort (see ``geojson_copy_sql``), each an index probe, in the order
    ``strikes.api.serializers.attack_relations`` lists them."""
    oblast = (
        "CASE WHEN a.place__oblast_id IS NOT NULL THEN "
        + _object(("id", "a.place__oblast_id::text"), ("name", _json("a.place__oblast__name")))
        + " WHEN a.place__kind = 'oblast' THEN "
        + _object(("id", "a.place_id::text"), ("name", _json("a.place__name")))
        + " ELSE 'null' END"
    )
    place = _object(
        ("id", "a.place_id::text"),
        ("name", _json("a.place__name")),
        ("kind", _json("a.place__kind")),
        ("oblast", oblast),
    )
    url = f"{_sql_text(json.dumps(url_head, ensure_ascii=False)[:-1])}, a.id, "
    url += _sql_text(json.dumps(url_tail, ensure_ascii=False)[1:])
    munition = _object(
        ("id", "mu.id::text"),
        ("name", _json("mu.name")),
        ("category", _json("mu.category")),
        ("origin_country", _json("mu.origin_country")),
        ("count", _json("am.count")),
    )
    # The munition of each row by its primary key (OFFSET 0 keeps the lateral from being flattened
    # into a join): with a plain join the planner hashed the whole catalogue once per attack,
    # a third of a 10,000-feature export at a million attacks.
    munitions = _json_array(
        f"SELECT {munition} FROM strikes_attackmunition am CROSS JOIN LATERAL"
        " (SELECT m.id, m.name, m.category, m.origin_country FROM strikes_munition m"
        " WHERE m.id = am.munition_id OFFSET 0) mu"
        " WHERE am.attack_id = a.id ORDER BY mu.name, mu.id"
    )
    # Outlets are few: their JSON by id is built once (an InitPlan), so each article looks its
    # outlet up instead of joining (a join in the subquery built a hash table per attack).
    outlet = _object(("id", "ou.id::text"), ("name", _json("ou.name")), ("grade", _json("ou.grade")))
    outlets = f"(SELECT jsonb_object_agg(ou.id::text, {outlet}) FROM sources_outlet ou)"
    source = _object(
        ("id", "ar.id::text"),
        ("outlet", f"COALESCE({outlets} ->> ar.outlet_id::text, 'null')"),
        ("title", _json("ar.title")),
        ("url", _json("COALESCE(NULLIF(ar.canonical_url, ''), ar.url)")),
        ("published_at", _json_iso("ar.published_at")),
    )
    sources = _json_array(
        f"SELECT {source} FROM sources_article ar WHERE ar.attack_id = a.id ORDER BY ar.published_at, ar.id"
    )
    best, low, high = _FIGURE_PARTS[mode]
    figure = _object(
        ("best", _json(f"pf.{best}")),
        ("low", _json(f"pf.{low}")),
        ("high", _json(f"pf.{high}")),
        ("status", _json("pf.status")),
        ("disputed", "CASE WHEN pf.status = 'disputed' THEN 'true' ELSE 'false' END"),
        ("claim_ids", "COALESCE(array_to_json(pf.claim_ids)::text, '[]')"),
    )
    by_category = _object(
        *((c, f"COALESCE(max({figure}) FILTER (WHERE pf.category = '{c}'), 'null')") for c in CATEGORIES)
    )
    figures = f"(SELECT {by_category} FROM casualties_publishedfigure pf WHERE pf.attack_id = a.id)"
    return {
        "id": "a.id::text",
        "event_id_cnty": "concat('\"UKR-SW', a.id, '\"')",
        "url": f"concat({url})",
        "occurred_at": _json_iso("a.occurred_at"),
        "time_precision": _json("a.time_precision"),
        "place": f"CASE WHEN a.place_id IS NULL THEN 'null' ELSE {place} END",
        "latitude": _json_float("a.latitude"),
        "longitude": _json_float("a.longitude"),
        "geo_precision": _json("a.geo_precision"),
        "target_type": _json("a.target_type"),
        "description": _json("a.description"),
        "status": _json("a.status"),
        "retraction_reason": _json("a.retraction_reason"),
        "wave": _json("a.wave_id"),
        "munitions": munitions,
        "killed_best": _json("a.killed_best"),
        "injured_best": _json("a.injured_best"),
        "disputed": _json("a.disputed"),
        "figures": figures,
        "sources": sources,
        "created_at": _json_iso("a.created_at"),
        "updated_at": _json_iso("a.updated_at"),
    }


_NO_LIMIT = 2**63 - 1


def _representation(queryset, *, mode: str, names: list[str], url: str) -> tuple[str, str, tuple]:
    """(SQL for the JSON text of the representation of a row ``a``, the filtered rows' SQL that
    ``a`` ranges over, its parameters). ``url`` is the absolute URL of the attack detail with
    ``__pk__`` for the id; ``names`` the fields shown, in representation order."""
    if mode not in _FIGURE_PARTS:
        raise ValueError(f"Unknown figures mode {mode!r}")
    keys, _ = KeysetPagination._keys(queryset)
    keys = ["id" if n == "pk" else n for n in keys]
    # The filtered rows exactly as the list selects them, with the columns shown.
    columns = dict.fromkeys([*keys, *ATTACK_VALUES])
    inner_sql, params = _rows_sql(queryset, list(columns))
    head, tail = url.split("__pk__")
    exprs = _geojson_properties(mode, head, tail)
    unknown = set(names) - set(exprs)
    if unknown:
        raise ValueError(f"Unknown field(s) {sorted(unknown)}")
    return _object(*((n, exprs[n]) for n in exprs if n in names)), inner_sql, tuple(params)


def representations_json(queryset, *, mode: str, names: list[str], url: str) -> dict[int, bytes]:
    """``{attack id: its representation as the JSON renderer writes it}`` for the rows of
    ``queryset`` (a page, or one attack for the detail), written by PostgreSQL in one statement.

    Same SQL as every GeoJSON Feature's properties, so the list, the detail and the exports
    cannot disagree; it replaces three or four queries and the Python representation (most of a
    list page's time). U+2028 and U+2029 are escaped as DRF's JSONRenderer escapes them (valid
    JSON either way; escaped, the text is also valid JavaScript)."""
    properties, inner_sql, params = _representation(queryset, mode=mode, names=names, url=url)
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        # Date-times in the current zone, as the JSON renderer writes them (see _iso).
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [str(timezone.get_current_timezone())])
        try:
            cursor.execute(f"SELECT a.id, {properties} FROM ({inner_sql}) a", params)
            rows = cursor.fetchall()
        finally:
            _restore_settings(connection, cursor)
    return {pk: text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode() for pk, text in rows}


def geojson_copy_sql(queryset, *, mode: str, names: list[str], url: str) -> tuple[str, tuple]:
    """``COPY (SELECT feature) TO STDOUT``: one Feature's JSON text per line, in the order of
    ``queryset``, its properties the fields ``names`` (in representation order).

    ``url`` is the absolute URL of the attack detail with ``__pk__`` for the id."""
    properties, inner_sql, params = _representation(queryset, mode=mode, names=names, url=url)
    keys, descending = KeysetPagination._keys(queryset)
    keys = ["id" if n == "pk" else n for n in keys]
    geometry = (
        "CASE WHEN a.latitude IS NOT NULL AND a.longitude IS NOT NULL THEN concat("
        '\'{"type":"Point","coordinates":[\', '
        f"{_float('a.longitude')}, ',', {_float('a.latitude')}, ']}}') ELSE 'null' END"
    )
    text = _object(("type", "'\"Feature\"'"), ("id", "a.id::text"), ("geometry", geometry), ("properties", properties))
    direction = " DESC" if descending else ""
    order = ", ".join(f"a.{n}{direction}" for n in keys)
    # The LIMIT limits nothing, but with one the planner computes expensive output columns
    # after the sort (make_sort_input_target): the sort moves attack rows, not Features of
    # 2 KB (without it, 10,000 Features spilled to disk), and the relation subqueries run in
    # output order. A number, not LIMIT ALL, which newer PostgreSQL treats as no LIMIT.
    select = f"SELECT {text} FROM ({inner_sql}) a ORDER BY {order} LIMIT {_NO_LIMIT}"
    # Quote and delimiter: control characters, which JSON text never holds (see above).
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')", params


def geojson_stream(queryset, *, mode: str, names: list[str], url: str, chunk_size=None) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection, one Feature per attack, as PostgreSQL writes them
    (``geojson_copy_sql``), passed on ``chunk_size`` features at a time (constant memory).
    Attacks without coordinates have a null geometry."""
    chunk_size = chunk_size or settings.API_EXPORT_CHUNK
    statement, params = geojson_copy_sql(queryset, mode=mode, names=names, url=url)
    tz = str(timezone.get_current_timezone())
    yield b'{"type":"FeatureCollection","features":['
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        # As for the CSV: date-times in the export's zone, no JIT; put back after the COPY.
        cursor.execute("SELECT set_config('TimeZone', %s, false), set_config('jit', 'off', false)", [tz])
        try:
            buffer, count, separator = bytearray(), 0, b""
            with cursor.cursor.copy(statement, params or None) as copy:
                # psycopg hands over one whole line (Feature + "\n") at a time.
                for line in copy:
                    buffer += line
                    count += 1
                    if count == chunk_size:
                        yield separator + bytes(buffer[:-1]).replace(b"\n", b",")
                        buffer.clear()
                        count, separator = 0, b","
            if buffer:
                yield separator + bytes(buffer[:-1]).replace(b"\n", b",")
        finally:
            _restore_settings(connection, cursor)
    yield b"]}\n"


def feature(attack, properties: dict) -> dict:
    """One attack as a GeoJSON Feature: [longitude, latitude], id as the feature id."""
    geometry = None
    if attack.latitude is not None and attack.longitude is not None:
        geometry = {"type": "Point", "coordinates": [attack.longitude, attack.latitude]}
    return {"type": "Feature", "id": attack.pk, "geometry": geometry, "properties": properties}
