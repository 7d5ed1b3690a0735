# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""Whole-set exports of a filtered attack query, CSV and GeoJSON, streamed from the fields
declared in ``strikes.api.representation``.

Each is one ``COPY (SELECT ...) TO STDOUT`` over the filtered queryset, formatted by
PostgreSQL and passed on as it arrives: constant memory, and one statement, so one
snapshot: every row exactly once. Python never sees a row (docs/PERFORMANCE.md).

CSV cells are written as Python's csv.writer wrote ``str()``/``isoformat()`` values (the
ACLED importer reads them back): an empty or missing value as NULL, which COPY leaves
unquoted; floats as Python's repr; date-times as ``isoformat()`` in the current zone.
GeoJSON Features are the representation's JSON text, one per line of the COPY.
"""

import csv
import io
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.db import connections

from strikes.api.representation import CATEGORIES, CSV_EXPRESSIONS, FIGURE_PARTS, Shape, representation_sql
from strikes.api.sql import csv_text, ordering_keys, restore_session, rows_sql, set_session, sql_float, sql_object

COPY_BUFFER = 64 * 1024

# Per-attack aggregates a CSV column needs, each a CTE grouped by attack over the filtered ids
# (``{ids}``: the filtered query itself, not a reference to the CTE ``f``, whose size the
# planner cannot see: it guessed 200 rows and probed an index 920,000 times at a million
# attacks). Only the ones asked for are computed. For the whole set PostgreSQL merges each
# table once in attack order (a per-row lateral lookup was 3x slower at 200,000 rows).
_FIGURES_CTE = """fig AS (
    SELECT pf.attack_id, {aggregates} FROM casualties_publishedfigure pf
    WHERE pf.attack_id IN ({ids}) GROUP BY pf.attack_id
)"""
_MUNITIONS_CTE = """mun AS (
    SELECT
        am.attack_id,
        {names} AS names,
        array_agg(mu.category ORDER BY mu.name) AS categories,
        array_agg(NULLIF({origin}, '') ORDER BY mu.name) AS origins
    FROM strikes_attackmunition am JOIN strikes_munition mu ON mu.id = am.munition_id
    WHERE am.attack_id IN ({ids}) GROUP BY am.attack_id
)"""
_SOURCES_CTE = """src AS (
    SELECT
        ar.attack_id,
        array_agg(NULLIF({outlet}, '') ORDER BY ar.published_at, ar.id) AS outlets,
        {urls} AS urls
    FROM sources_article ar LEFT JOIN sources_outlet ou ON ou.id = ar.outlet_id
    WHERE ar.attack_id IN ({ids}) GROUP BY ar.attack_id
)"""

# Text a feed or an analyst wrote, neutralised where it would start a cell's formula: each
# outlet and origin (a cell starts with its first), the whole names and URL lists (one
# aggregate, which PostgreSQL computes once however often the expression names it).
_MUNITION_NAMES = csv_text(
    "string_agg(CASE WHEN am.count IS NULL THEN mu.name ELSE mu.name || ' [' || am.count || ']' END,"
    " '; ' ORDER BY mu.name)"
)
_SOURCE_URLS = csv_text(
    "string_agg(NULLIF(COALESCE(NULLIF(ar.canonical_url, ''), ar.url), ''), ' ' ORDER BY ar.published_at, ar.id)"
)


def csv_select_sql(
    ids_sql: str, ids_params, *, mode: str, columns: list[str], cells: bool = False
) -> tuple[str, tuple]:
    """``(WITH ... SELECT <columns> FROM f JOIN strikes_attack a ..., its parameters)``,
    unordered: the CSV's cells over the rows ``f`` that ``ids_sql`` selects (``id`` and any sort
    keys). The export orders it. With ``cells``: ``a.id AS id`` first, then each column as text
    named ``c0``, ``c1``... (``strikes.api.export_lines`` stores each row as a line)."""
    if mode not in FIGURE_PARTS:
        raise ValueError(f"Unknown figures mode {mode!r}")
    joins = {CSV_EXPRESSIONS[c][1] for c in columns} - {None}
    if cells:
        selected = ", ".join(
            ["a.id AS id", *(f"({CSV_EXPRESSIONS[c][0]})::text AS c{i}" for i, c in enumerate(columns))]
        )
    else:
        selected = ", ".join(CSV_EXPRESSIONS[c][0] for c in columns)
    ctes = [f"f AS MATERIALIZED ({ids_sql})"]
    params = list(ids_params)
    ids = f"SELECT ids.id FROM ({ids_sql}) ids"
    outer = []
    if "figures" in joins:
        best, low, high = FIGURE_PARTS[mode]
        aggregates = ", ".join(
            f"max(pf.{part}) FILTER (WHERE pf.category = '{category}') AS {category}_{name}"
            for category in CATEGORIES
            for name, part in (("best", best), ("low", low), ("high", high), ("status", "status"))
        )
        ctes.append(_FIGURES_CTE.format(aggregates=aggregates, ids=ids))
        params += ids_params
        outer.append("LEFT JOIN fig ON fig.attack_id = a.id")
    if "munitions" in joins:
        ctes.append(_MUNITIONS_CTE.format(ids=ids, names=_MUNITION_NAMES, origin=csv_text("mu.origin_country")))
        params += ids_params
        outer.append("LEFT JOIN mun ON mun.attack_id = a.id")
    if "sources" in joins:
        ctes.append(_SOURCES_CTE.format(ids=ids, outlet=csv_text("ou.name"), urls=_SOURCE_URLS))
        params += ids_params
        outer.append("LEFT JOIN src ON src.attack_id = a.id")
    select = (
        f"WITH {', '.join(ctes)} "
        f"SELECT {selected} FROM f JOIN strikes_attack a ON a.id = f.id "
        "LEFT JOIN strikes_place p ON p.id = a.place_id LEFT JOIN strikes_place o ON o.id = p.oblast_id "
        "LEFT JOIN strikes_place pp ON pp.id = p.parent_id " + " ".join(outer)
    )
    return select, tuple(params)


def csv_copy_sql(queryset, *, mode: str, columns: list[str]) -> tuple[str, tuple]:
    """``COPY (SELECT ...) TO STDOUT WITH CSV`` for the rows of ``queryset`` in its order."""
    if mode not in FIGURE_PARTS:
        raise ValueError(f"Unknown figures mode {mode!r}")
    names, descending = ordering_keys(queryset)
    # The filtered ids (and sort keys) exactly as the list would select them.
    inner_sql, inner_params = rows_sql(queryset, names)
    direction = " DESC" if descending else ""
    order = ", ".join(f"f.{n}{direction}" for n in names)
    select, params = csv_select_sql(inner_sql, tuple(inner_params), mode=mode, columns=columns)
    return f"COPY ({select} ORDER BY {order}) TO STDOUT WITH (FORMAT csv)", params


def _copy(queryset, statement: str, params) -> Iterator[bytes]:
    """The COPY's output as psycopg hands it over (one line at a time), in the current zone
    and without JIT for this statement only (put back right after)."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        set_session(cursor, jit_off=True)
        try:
            with cursor.cursor.copy(statement, params or None) as copy:
                yield from copy
        finally:
            restore_session(connection, cursor)


def started(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """``pieces`` with the first one already made, so the statement has run (or failed, as an
    error response) before the first byte goes out. The streams below make their first piece
    only from the COPY's first output: a failure after it propagates mid-stream, and the
    server aborts the transfer rather than end a well-formed short file."""
    first = next(pieces, None)
    return itertools.chain(() if first is None else (first,), pieces)


def csv_rows(queryset, *, mode: str, columns: list[str]) -> Iterator[bytes]:
    """CSV bytes, header first, then one line per attack, as PostgreSQL writes them, passed on
    in pieces of about ``COPY_BUFFER`` bytes."""
    statement, params = csv_copy_sql(queryset, mode=mode, columns=columns)
    return csv_stream(columns, _copy(queryset, statement, params))


def csv_stream(columns: list[str], lines: Iterator[bytes]) -> Iterator[bytes]:
    """The header of ``columns``, then ``lines`` (each ending with "\n"), in pieces of about
    ``COPY_BUFFER`` bytes."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(columns)
    buffer = bytearray(header.getvalue().encode("utf-8"))
    for data in lines:
        buffer += data
        if len(buffer) >= COPY_BUFFER:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


# --- GeoJSON: each Feature written by PostgreSQL ---
#
# The COPY runs in CSV format with a control character as quote and delimiter: JSON text
# holds no raw control character, so no line is ever quoted and each is the Feature as is.
# Lines end with "\n", which JSON text cannot contain either: joining is a byte replace.

NO_LIMIT = 2**63 - 1

_GEOMETRY = (
    "CASE WHEN a.latitude IS NOT NULL AND a.longitude IS NOT NULL THEN concat("
    '\'{"type":"Point","coordinates":[\', '
    f"{sql_float('a.longitude')}, ',', {sql_float('a.latitude')}, ']}}') ELSE 'null' END"
)


def feature_sql(properties: str) -> str:
    """SQL for one Feature's JSON text over a row ``a``, its properties ``properties``."""
    return sql_object(
        ("type", "'\"Feature\"'"), ("id", "a.id::text"), ("geometry", _GEOMETRY), ("properties", properties)
    )


def geojson_copy_sql(queryset, shape: Shape) -> tuple[str, tuple]:
    """``COPY (SELECT feature) TO STDOUT``: one Feature's JSON text per line, in the order of
    ``queryset``, its properties the representation ``shape`` asks for."""
    properties, inner_sql, params = representation_sql(queryset, shape)
    keys, descending = ordering_keys(queryset)
    text = feature_sql(properties)
    direction = " DESC" if descending else ""
    order = ", ".join(f"a.{n}{direction}" for n in keys)
    # The LIMIT limits nothing, but with one the planner computes expensive output columns
    # after the sort (make_sort_input_target): the sort moves attack rows, not Features of
    # 2 KB (without it, 10,000 Features spilled to disk), and the relation subqueries run in
    # output order. A number, not LIMIT ALL, which newer PostgreSQL treats as no LIMIT.
    select = f"SELECT {text} FROM ({inner_sql}) a ORDER BY {order} LIMIT {NO_LIMIT}"
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')", params


def geojson_stream(queryset, shape: Shape, chunk_size=None) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection, one Feature per attack, passed on ``chunk_size``
    features at a time. Attacks without coordinates have a null geometry."""
    statement, params = geojson_copy_sql(queryset, shape)
    return feature_collection(_copy(queryset, statement, params), chunk_size)


def feature_collection(lines: Iterator[bytes], chunk_size=None) -> Iterator[bytes]:
    """The FeatureCollection of ``lines`` (each a Feature's JSON text and "\n"), passed on
    ``chunk_size`` features at a time."""
    chunk_size = chunk_size or settings.API_EXPORT_CHUNK
    # Each piece starts with what goes before its Features: the opening, then a comma.
    head, buffer, count = b'{"type":"FeatureCollection","features":[', bytearray(), 0
    for line in lines:
        buffer += line
        count += 1
        if count == chunk_size:
            yield head + bytes(buffer[:-1]).replace(b"\n", b",")
            head, count = b",", 0
            buffer.clear()
    features = bytes(buffer[:-1]).replace(b"\n", b",") if buffer else b""
    yield (head if buffer or head != b"," else b"") + features + b"]}\n"


def feature(row, properties: dict) -> dict:
    """One attack row as a GeoJSON Feature of a page: [longitude, latitude], id as the feature id."""
    geometry = None
    if row["latitude"] is not None and row["longitude"] is not None:
        geometry = {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": properties}
