# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""Stored export lines: each attack's CSV line and GeoJSON Feature, kept ready in the database.

``strikes_attackexport`` (migration 0011) holds, per attack (every status: the filters decide
who sees which), its line of the default CSV (every column of ``CSV_COLUMNS``, figures in the
decided mode, times in ``settings.TIME_ZONE``, "\\n" included) and its default GeoJSON Feature
(every field), split around its url, which depends on the request's host, with where each of
its fields ends (``feature_marks``, migration 0016: "Marks" below). The whole-set exports of
the default shape, and GeoJSON of some fields (cut from the Feature by its marks), read these
instead of joining attacks, places, munitions, sources and figures per row: one narrow sort of
the filtered ids, then a primary-key probe per row (docs/PERFORMANCE.md §12).

**Written by the declaration.** The statement that computes the lines is generated here from
``strikes.api.representation`` (the CSV's columns through ``formats.csv_select_sql``, the
Feature through ``formats.feature_sql`` and ``representation.properties_sql``): the live
exports' own SQL, over a set of ids instead of a filtered queryset. ``install()`` puts it in
the functions ``strikes_attackexport_refresh(ids)`` and ``strikes_attackexport_rebuild()``
(run after every ``migrate``, by ``strikes.apps``) and rebuilds every line when the generated
SQL changed. The function carries a hash of its SQL as its comment; the exports use the stored
lines only when that hash is this code's (``stream()``), so lines written by another version of
the declaration are never served.

**Refreshed in the writing transaction.** Statement-level triggers with transition tables on
every table a line reads (attacks, their munitions, the munition catalogue, places, articles,
outlets, published figures; migration 0011) note the attacks a statement changed in
``strikes_attackexport_dirty``; a deferred constraint trigger (one per transaction, on
``strikes_attackexport_pending``) refreshes them all at commit, in one statement. So every
writer — services, importers' bulk paths, ``QuerySet.update()``, the admin, raw SQL — is
covered without naming it, a transaction that writes an attack ten times refreshes it once,
and a rolled-back write refreshes nothing. A reader inside a writing transaction (a test,
``ATOMIC_REQUESTS``) first calls ``strikes_attackexport_flush()`` so it sees its own writes.
The refresh locks the lines it rewrites before computing them, and computes in a statement
of its own, so under READ COMMITTED two transactions changing one attack refresh it in turn,
the second seeing the first's committed work.
"""

import functools
import hashlib
import json
import struct
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from strikes.api import asof, export_cache
from strikes.api.export_days import STORED_PIECE, _date_range, _days_sql, _with_url, days_sql, url_tail
from strikes.api.formats import NO_LIMIT, csv_select_sql, feature_collection, feature_sql
from strikes.api.representation import (
    ATTACK_FIELDS,
    ATTACK_VALUES,
    CSV_COLUMNS,
    FIELD_NAMES,
    FIGURE_PARTS,
    Shape,
    properties_sql,
)
from strikes.api.sql import ordering_keys, restore_session, rows_sql, sql_object, sql_text
from strikes.models import Attack

REFRESH = "strikes_attackexport_refresh(bigint[])"
MODE = "decided"

# Where a Feature's url goes: a raw control character, which JSON text never holds.
_URL_MARK = "chr(1)"


def _cell(column: str) -> str:
    """A CSV cell of a text column as COPY's CSV format writes it: NULL as nothing; quoted
    (quotes doubled) when empty or holding a comma, quote, CR or LF."""
    special = "'[\",' || chr(10) || chr(13) || ']'"
    return (
        f"CASE WHEN {column} = '' OR {column} ~ ({special})"
        f" THEN '\"' || replace({column}, '\"', '\"\"') || '\"' ELSE {column} END"
    )


def _concat(parts: list[str]) -> str:
    """concat() of ``parts``, nested where they pass PostgreSQL's 100 arguments."""
    if len(parts) <= 100:
        return f"concat({', '.join(parts)})"
    return _concat([_concat(parts[i : i + 100]) for i in range(0, len(parts), 100)])


def lines_sql(ids_sql: str, *, marks: bool = True) -> str:
    """``SELECT id, csv_line, feature_head, feature_tail[, feature_marks]`` for the attacks
    ``ids_sql`` selects (one column, ``id``), from the declaration: the same SQL as the live
    exports. With ``marks``, where each field of the Feature ends (``feature_marks``: see
    ``_marks_sql``), so a Feature of some fields is cut from the stored one (``subset_line_sql``)."""
    cells, params = csv_select_sql(ids_sql, (), mode=MODE, columns=list(CSV_COLUMNS), cells=True)
    assert not params
    # The cells as text in a subquery (OFFSET 0: each computed once), then joined into the line.
    parts = []
    for i in range(len(CSV_COLUMNS)):
        parts += ["','", _cell(f"s.c{i}")] if i else [_cell(f"s.c{i}")]
    csv = f"SELECT s.id, {_concat([*parts, 'chr(10)'])} AS csv_line FROM ({cells} OFFSET 0) s"

    rows, row_params = Attack.objects.order_by().values(*ATTACK_VALUES).query.sql_with_params()
    assert not row_params
    shape = Shape(MODE, FIELD_NAMES, ("", ""))
    if not marks:
        feature = feature_sql(properties_sql(shape, url_json=_URL_MARK))
        # OFFSET 0 here too: inlined, the Feature was computed twice per attack (once for each
        # split_part below); fenced, once. Same rows; a thousand lines 362 -> 277 ms at 1M.
        geo = f"SELECT a.id, {feature} AS feature FROM ({rows}) a WHERE a.id IN ({ids_sql}) OFFSET 0"
        marked = ""
    else:
        # Each field's JSON text in a column of its own (concat() of it: the very text the
        # Feature's concat() writes), fenced so each is computed once; the Feature is then
        # joined from those columns in the declaration's order, and their lengths give the marks.
        values = ", ".join(f"concat({f.json(shape)}) AS j{i}" for i, f in enumerate(ATTACK_FIELDS) if i != _URL_INDEX)
        fields = f"SELECT a.id, a.latitude, a.longitude, {values} FROM ({rows}) a WHERE a.id IN ({ids_sql}) OFFSET 0"
        properties = sql_object(*((name, _URL_MARK if i == _URL_INDEX else f"a.j{i}") for i, name in _NAMED))
        geo = f"SELECT a.id, {feature_sql(properties)} AS feature, {_lengths_sql('a')} FROM ({fields}) a OFFSET 0"
        marked = f", {_marks_sql('g')} AS feature_marks"
    return (
        "SELECT c.id, c.csv_line,"
        f" split_part(g.feature, {_URL_MARK}, 1) AS feature_head, split_part(g.feature, {_URL_MARK}, 2) AS feature_tail"
        f"{marked} FROM ({csv}) c JOIN ({geo}) g ON g.id = c.id"
    )


# --- Marks: where each field of a stored Feature ends ---
#
# A stored Feature is ``feature_head`` (the Feature's start up to the url's value) and
# ``feature_tail`` (the rest); its properties are the fields in the declaration's order, each
# written ``"name":value`` after "{" (the first) or "," (the others). ``feature_marks`` is an
# integer array: [1] the byte offset in the head where the first field starts, [i + 2] the byte
# offset (UTF-8) where field i (0-based, declaration order) ends, in the head for the fields
# before the url, in the tail after it (the url's: the head's end). A field after another
# starts one byte (the comma) after it ends; the first after the url, at the tail's byte 1.
# With them, a Feature of any subset of fields is bytes cut from the stored text and joined.

_NAMED = tuple(enumerate(FIELD_NAMES))
_URL_INDEX = FIELD_NAMES.index("url")


def _key_length(i: int, name: str) -> int:
    """Bytes sql_object writes before field ``i``'s value: "{" or ",", its name's JSON, ":"."""
    return len((("{" if i == 0 else ",") + json.dumps(name) + ":").encode())


def _lengths_sql(alias: str) -> str:
    """The byte lengths of the fields' JSON texts (columns ``j<i>`` of ``alias``) as ``l<i>``."""
    return ", ".join(f"octet_length(convert_to({alias}.j{i}, 'UTF8')) AS l{i}" for i, _ in _NAMED if i != _URL_INDEX)


def _marks_sql(alias: str) -> str:
    """``feature_marks`` over ``alias``'s ``feature`` (the url's value a one-byte mark) and lengths."""
    u = _URL_INDEX

    def span(first: int, last: int) -> str:  # bytes of fields first..last, keys included
        return " + ".join(f"{_key_length(k, FIELD_NAMES[k])} + {alias}.l{k}" for k in range(first, last + 1)) or "0"

    # The tail: the fields after the url, then "}}" (the properties' and the Feature's ends).
    tail = f"({span(u + 1, len(FIELD_NAMES) - 1)} + 2)"
    head = f"(octet_length(convert_to({alias}.feature, 'UTF8')) - 1 - {tail})"
    url_key = _key_length(u, "url")
    ends = {u: head}
    for i in range(u):
        ends[i] = f"({head} - {url_key} - ({span(i + 1, u - 1)}))"
    for i in range(u + 1, len(FIELD_NAMES)):
        ends[i] = f"({span(u + 1, i)})"
    start = f"({ends[0]} - {_key_length(0, FIELD_NAMES[0]) - 1} - {alias}.l0)"
    return f"ARRAY[{', '.join([start, *(ends[i] for i in range(len(FIELD_NAMES)))])}]::integer[]"


def subset_line_sql(names: tuple[str, ...], alias: str = "e") -> tuple[str, bool]:
    """(SQL for the bytes of the Feature of the fields ``names`` cut from stored row ``alias``,
    whether it takes the url's two placeholders: the text before the id, after it).

    Byte ranges of the text as the client gets it (``textsend``: UTF-8, Django's client encoding,
    which ``features_sql`` checks; cut by byte offset, at no cost per character; ``convert_to``
    also checked each 1.6 KB tail's UTF-8 again, 6-11 ms more for the bench's 9,120 at 1M),
    as ``properties_sql`` writes them: the fields in the declaration's order, whatever the order
    asked. Runs of consecutive fields are one range each, with the comma before them."""
    head, tail = f"textsend({alias}.feature_head)", f"textsend({alias}.feature_tail)"
    mark = f"{alias}.feature_marks"

    def end(i: int) -> str:
        return f"{mark}[{i + 2}]"

    def start(i: int) -> str:
        if i == 0:
            return f"{mark}[1]"
        return "1" if i == _URL_INDEX + 1 else f"({end(i - 1)} + 1)"

    def cut(text: str, first: str, last: str | None) -> str:  # bytes [first, last) of text
        if last is None:
            return f"substring({text} from {first} + 1)"
        return f"substring({text} from {first} + 1 for {last} - {first})"

    chosen = [i for i, name in _NAMED if name in names]
    runs: list[list[int]] = []
    for i in chosen:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    url = False
    pieces = [] if chosen and chosen[0] == 0 else [cut(head, "0", f"{mark}[1]")]
    for n, run in enumerate(runs):
        first, last = run[0], run[-1]
        # The first run from the Feature's start (when it is the first field) or the field's
        # start; every other run from the comma before it.
        begin = "0" if first == 0 else start(first) if n == 0 else f"({start(first)} - 1)"
        if last < _URL_INDEX:
            pieces.append(cut(head, begin, end(last)))
        elif first > _URL_INDEX:
            pieces.append(cut(tail, begin, end(last)))
        else:
            url = True
            pieces += [cut(head, begin, None), f"textsend(concat(%s::text, {alias}.attack_id, %s::text))"]
            if last > _URL_INDEX:
                pieces.append(cut(tail, "0", end(last)))
    pieces.append("'\\x7d7d'::bytea")  # "}}": the properties' and the Feature's ends
    return " || ".join(pieces), url


# The rebuild's last step with the stored days: every day built again from the new lines.
_REBUILD_DAYS = """
    TRUNCATE strikes_attackexport_stale, strikes_attackexport_day;
    PERFORM strikes_attackexport_days_build(NULL);"""


def functions_sql(zone: str | None = None, *, marks: bool = True, days: bool = True) -> str:
    """The refresh and rebuild functions, as generated from the declaration now, writing times
    in ``zone`` (``settings.TIME_ZONE``); with ``marks``, ``feature_marks`` too (migration 0016);
    with ``days``, the stored days too (migration 0018: ``strikes.api.export_days``)."""
    zone = zone or settings.TIME_ZONE
    some = lines_sql("SELECT DISTINCT unnest(p_ids) AS id", marks=marks)
    every = lines_sql("SELECT strikes_attack.id FROM strikes_attack", marks=marks)
    options = f'SET "TimeZone" TO {sql_text(zone)} SET jit TO off'
    columns = "attack_id, csv_line, feature_head, feature_tail" + (", feature_marks" if marks else "")
    marked = ", feature_marks = l.feature_marks" if marks else ""
    # The SQL goes through no placeholder substitution here: undo sql_text's doubled "%".
    return f"""
CREATE OR REPLACE FUNCTION strikes_attackexport_refresh(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql {options} AS $fn$
BEGIN
    -- Lock the lines first (a placeholder for a new one), in id order; then compute them in a
    -- statement of its own, whose snapshot sees what a writer we waited for committed.
    INSERT INTO strikes_attackexport (attack_id, csv_line, feature_head, feature_tail)
    SELECT DISTINCT x, '', '', '' FROM unnest(p_ids) x WHERE x IS NOT NULL ON CONFLICT DO NOTHING;
    PERFORM 1 FROM strikes_attackexport WHERE attack_id = ANY(p_ids) ORDER BY attack_id FOR UPDATE;
    DELETE FROM strikes_attackexport e WHERE e.attack_id = ANY(p_ids)
        AND NOT EXISTS (SELECT 1 FROM strikes_attack a WHERE a.id = e.attack_id);
    UPDATE strikes_attackexport e
    SET csv_line = l.csv_line, feature_head = l.feature_head, feature_tail = l.feature_tail{marked}
    FROM ({some}) l WHERE e.attack_id = l.id;
END;
$fn$;
CREATE OR REPLACE FUNCTION strikes_attackexport_rebuild() RETURNS bigint
LANGUAGE plpgsql {options} AS $fn$
DECLARE
    n bigint;
BEGIN
    TRUNCATE strikes_attackexport;
    INSERT INTO strikes_attackexport ({columns}) {every};
    GET DIAGNOSTICS n = ROW_COUNT;{_REBUILD_DAYS if days else ""}
    RETURN n;
END;
$fn$;
{days_sql(options) if days else ""}""".replace("%%", "%")


def version(zone: str | None = None, *, marks: bool = True, days: bool = True) -> str:
    """A hash of the generated functions (their zone included): the comment ``install()``
    leaves on them."""
    return hashlib.sha256(functions_sql(zone, marks=marks, days=days).encode()).hexdigest()[:32]


@functools.cache
def current_version(zone: str) -> str:
    """``version(zone)`` once per process and zone (the declaration is fixed for its life)."""
    return version(zone)


def install(using: str = "default", *, verbosity: int = 1) -> bool:
    """Put the functions generated now in the database; when they differ from the ones there,
    rebuild every line (in the same transaction). True when it rebuilt.

    Without the column ``feature_marks`` (migrated back before 0016) the functions write none:
    they must not name a column the table lacks. Their hash is then not ``current_version``, so
    no export reads those lines (the live path answers) until migrated forward again. Likewise
    without the stored days or their digests (before 0018, 0020): no day is built, and no
    export reads lines."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('strikes_attackexport') IS NOT NULL, obj_description(to_regprocedure(%s), 'pg_proc'),"
            " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('strikes_attackexport')"
            " AND attname = 'feature_marks' AND NOT attisdropped),"
            " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('strikes_attackexport_day')"
            " AND attname = 'digest' AND NOT attisdropped)",
            [REFRESH],
        )
        exists, have, marks, days = cursor.fetchone()
        want = version(marks=marks, days=days)
        if not exists or have == want:  # not migrated that far (or back), or up to date
            return False
        cursor.execute(functions_sql(marks=marks, days=days))
        cursor.execute("SELECT strikes_attackexport_rebuild()")
        count = cursor.fetchone()[0]
        cursor.execute(f"COMMENT ON FUNCTION {REFRESH} IS {sql_text(want)}".replace("%%", "%"))
    if verbosity:
        print(f"  Export lines rebuilt from the declaration: {count:,} attacks.")
    return True


# --- Serving ---

Collect = Callable[[Iterator[bytes], bool], Iterator[bytes]]


def _as_is(pieces: Iterator[bytes], stored: bool) -> Iterator[bytes]:
    return pieces


def stream(
    queryset, stored: tuple[str, tuple], live: Callable[[], tuple[str, tuple]], collect: Collect = _as_is
) -> Iterator[bytes]:
    """The rows of the ``stored`` COPY (``csv_sql``: a line each; ``features_sql``: a piece of
    Features each) when the stored lines may answer, else of the one ``live()`` compiles (CSV
    format, a line per row), as they arrive. ``live`` is compiled only when it is used: the
    GeoJSON's costs 0.36 ms of Python, a fifth of a stored download's work before its first byte.

    Stored lines answer when they were written by this code's declaration for this request's
    zone, and the request is not a snapshot (as_of). Inside a writing transaction its pending
    refreshes are done first, so it reads its own writes. One statement sets the session up
    (as ``formats._copy``), checks and flushes.
    ``collect(pieces, stored)`` turns what the COPY gives into what is sent (as is by default);
    a ``stored`` statement with a ``url`` (``WithUrl``) has its url placeholders replaced in it.
    A FeatureCollection of stored days reads the pieces this server keeps in files from them
    (``export_cache``: one statement more, for their digests, before the COPY)."""
    connection = connections[queryset.db]
    zone = str(timezone.get_current_timezone())
    snapshot = asof.active()  # strikes_attack is a temporary table of the past: flush nothing
    flush = ", strikes_attackexport_flush()" if connection.in_atomic_block and not snapshot else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('TimeZone', %s, false), set_config('jit', 'off', false),"
            f" obj_description(to_regprocedure(%s), 'pg_proc'){flush}",
            [zone, REFRESH],
        )
        use = cursor.fetchone()[2] == current_version(zone) and not snapshot
        statement, params = stored if use else live()
        held = None
        try:
            if use and collect is feature_collection_of and hasattr(stored, "held"):
                # Stored days this server keeps in files (export_cache): only their digests come.
                held = export_cache.hold(cursor, stored)
            if held is not None:
                statement, params = stored.held[0], (*stored.held[1], held.claims())
            with cursor.cursor.copy(statement, params or None) as copy:
                if held is not None:
                    yield from held.collection(values(copy), _OPENING)
                    return
                sent = collect(values(copy) if use else copy, use)
                url = getattr(stored, "url", None) if use else None
                yield from (_with_url(sent, url) if url else sent)
        finally:
            if held is not None:
                held.close()
            restore_session(connection, cursor)


def _stored_sql(queryset, value: str, params: tuple) -> tuple[str, tuple]:
    """``COPY (SELECT <value of the stored row e>) TO STDOUT (FORMAT binary)`` for the rows of
    ``queryset`` in its order: the filtered ids and sort keys sorted alone, then each row's
    line by its primary key (the LIMIT makes PostgreSQL look lines up after the sort)."""
    keys, descending = ordering_keys(queryset)
    inner_sql, inner_params = rows_sql(queryset, keys)
    direction = " DESC" if descending else ""
    order = ", ".join(f"f.{n}{direction}" for n in keys)
    select = (
        f"SELECT (SELECT {value} FROM strikes_attackexport e WHERE e.attack_id = f.id)"
        f" FROM ({inner_sql}) f ORDER BY {order} LIMIT {NO_LIMIT}"
    )
    return f"COPY ({select}) TO STDOUT (FORMAT binary)", (*params, *inner_params)


_HEADER = struct.Struct(">11sii")  # PGCOPY signature, flags, header extension length
_FIELD = struct.Struct(">hi")  # fields in the tuple, length of the first


def values(copy) -> Iterator[memoryview]:
    """The one value of each row of a binary COPY's data, as it came (text as is: no escaping to
    undo). A row without a value (a line missing) is an error: mid-stream, the transfer aborts.

    Each value is a view of the message that holds it (bytes-like; the view keeps the message
    alive), not a copy: its reader copies it once, where it puts it (a Feature piece after its
    comma, a CSV line into the buffer). Copied to bytes here and then again there, the stored
    GeoJSON's 16 MB were copied three times in Python."""
    pending = b""
    started = False
    for data in copy:
        view = memoryview(pending + bytes(data) if pending else data)
        pos, end = 0, len(view)
        if not started:
            if end < _HEADER.size:
                pending = bytes(view)
                continue
            pos = _HEADER.size + _HEADER.unpack_from(view)[2]
            started = True
        while end - pos >= 6:
            fields, length = _FIELD.unpack_from(view, pos)
            if fields != 1 or length < 0:
                raise RuntimeError("A stored export line is missing.")
            stop = pos + 6 + length
            if stop > end:
                break
            yield view[pos + 6 : stop]
            pos = stop
        # What is left: the trailer, or the start of a row the next message ends.
        pending = bytes(view[pos:])
        if pending == b"\xff\xff":  # the trailer
            pending = b""


def csv_sql(queryset) -> tuple[str, tuple]:
    """The stored COPY of the default CSV's lines of ``queryset``'s rows, in its order (no header)."""
    return _stored_sql(queryset, "e.csv_line", ())


def features_sql(
    queryset, url: tuple[str, str], chunk: int | None = None, names: tuple[str, ...] = FIELD_NAMES
) -> tuple[str, tuple]:
    """The stored COPY of the GeoJSON Features of ``queryset``'s rows, in its order, each with
    its url in this request's host (``url``: the detail URL split where the id goes), joined
    by PostgreSQL into pieces of ``chunk`` Features (at most ``STORED_PIECE`` and
    ``settings.API_EXPORT_CHUNK``) separated by commas: one COPY row per piece. A piece where a
    line is missing is NULL (an error when read). Every field by default; with ``names``, only
    those (in the declaration's order, decided figures): each Feature cut from the stored one by
    its marks (``subset_line_sql``), as the live export writes it.

    Why pieces: with a COPY row per Feature, reading the rows (a protocol message each, read by
    psycopg, parsed and appended in Python) cost more than the statement (docs/PERFORMANCE.md §13).
    The filtered ids are sorted alone (narrow rows) into one array; each piece reads its slice's
    lines by primary key in the slice's order (``WITH ORDINALITY``: PostgreSQL knows ``k`` is
    already in order and sorts nothing; 16+ does not sort the aggregate's input again either)."""
    chunk = int(chunk or min(settings.API_EXPORT_CHUNK, STORED_PIECE))
    head, tail = json.dumps(url[0], ensure_ascii=False)[:-1], json.dumps(url[1], ensure_ascii=False)[1:]
    keys, descending = ordering_keys(queryset)
    inner_sql, inner_params = rows_sql(queryset, keys)
    direction = " DESC" if descending else ""
    order = ", ".join(f"f.{n}{direction}" for n in keys)
    if tuple(names) == FIELD_NAMES:
        # "||", not concat(): concat() passes each text through its output function (a copy and
        # a strlen of the 1.6 KB tail) before appending it; the chain copies the short head and
        # url once more instead. At 1M, 9,120 Features, 3 runs of 30 interleaved EXPLAIN
        # ANALYZE: p50 42.8-50.4 -> 35.4-49.0 ms, min 28.4-29.7 -> 26.8-29.3 ms. The columns
        # are NOT NULL, so the line is NULL (an error) only when missing, as before.
        value = "e.feature_head || %s::text || e.attack_id::text || %s::text || e.feature_tail"
        url_params, separator, cut = True, "','", ""
    else:
        # Bytes (binary COPY passes them as they are), joined with a comma of bytes. The marks
        # count UTF-8 bytes: in another client encoding a piece is NULL (an error, never text
        # cut in the wrong places; Django always asks for UTF-8).
        (value, url_params), separator = subset_line_sql(tuple(names)), "','::bytea"
        cut = " AND pg_client_encoding() = 'UTF8'"
    line = f"(SELECT {value} FROM strikes_attackexport e WHERE e.attack_id = u.id)"
    url_values = (head, tail) if url_params else ()
    # The stored days hold the url's end as every host's request writes it (``url_tail``).
    bounds = _date_range(queryset) if tuple(names) == FIELD_NAMES and tail == url_tail() else None
    if bounds is not None:
        return _days_sql(bounds, inner_sql, inner_params, line, chunk, url_values)
    # The array is read by sub-selects (computed once), not joined: joined, each piece's row
    # carried a copy of it through the sort by g (72 copies of 73 KB spilled to disk at 9,120).
    ids = "(SELECT o.ids FROM o)"
    piece = (
        f"SELECT CASE WHEN count(x.line) = count(*){cut} THEN string_agg(x.line, {separator} ORDER BY x.k) END"
        f" FROM (SELECT u.k, {line} AS line FROM unnest({ids}[g * {chunk} + 1 : (g + 1) * {chunk}])"
        f" WITH ORDINALITY u(id, k) ORDER BY u.k LIMIT {chunk}) x"
    )
    select = (
        f"WITH o AS MATERIALIZED (SELECT array_agg(f.id ORDER BY {order}) AS ids FROM ({inner_sql}) f)"
        f" SELECT ({piece}) FROM generate_series(0, (cardinality({ids}) + {chunk - 1}) / {chunk} - 1) g"
        f" ORDER BY g LIMIT {NO_LIMIT}"
    )
    return f"COPY ({select}) TO STDOUT (FORMAT binary)", (*inner_params, *url_values)


def subset_served(shape) -> bool:
    """Whether the stored Features can give ``shape``'s fields: a field whose SQL depends on the
    figures mode (``figures``) only in the mode they were written in."""
    return shape.mode == MODE or not set(shape.names) & _MODE_FIELDS


# The fields whose JSON differs between figures modes (found from the declaration, not listed).
_MODE_FIELDS = frozenset(
    f.name for f in ATTACK_FIELDS if len({f.json(Shape(mode, FIELD_NAMES, ("", ""))) for mode in FIGURE_PARTS}) > 1
)


_OPENING = b'{"type":"FeatureCollection","features":['


def feature_collection_of(pieces: Iterator[bytes], stored: bool) -> Iterator[bytes]:
    """The FeatureCollection of what ``stream()`` reads: the stored pieces of ``features_sql``
    (Features joined by commas, a piece each), or the live COPY's lines (``formats.feature_collection``).
    Each piece is sent as it arrives, the opening with the first: nothing goes out before the
    statement has given its first piece, so a failure before it is an error response, and one
    after it aborts the transfer."""
    if not stored:
        yield from feature_collection(pieces)
        return
    head = _OPENING
    for piece in pieces:
        yield head + piece
        head = b","
    yield (_OPENING if head is _OPENING else b"") + b"]}\n"
