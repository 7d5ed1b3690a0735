# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""Stored days: each day's public GeoJSON Features stored together (migration strikes 0018), for
downloads of the public attacks between two dates (docs/PERFORMANCE.md §25).

Split from ``strikes.api.export_lines``, whose per-attack lines the days are built from and
whose functions (``export_lines.functions_sql``, one version hash for both) install the SQL
written here; this module imports nothing from it. How a day is kept and read: "Days" below.
"""

import datetime as dt
import json
from collections.abc import Iterator

from django.db import connections, transaction

from strikes.api.formats import NO_LIMIT
from strikes.api.sql import ordering_keys, rows_sql, sql_text
from strikes.models import Attack

# Features per COPY row of the stored GeoJSON (~220 KB): a protocol message per Feature costs
# Python more than the statement; messages of megabytes are slower again (libpq grows its buffer
# for each): 3 rows of 3 MB took 26 ms to read, 30 of 300 KB 7 ms, 5,000 of 1.7 KB 9 ms.
STORED_PIECE = 128


# --- Days: each day's public Features stored together (migration 0018) ---
#
# ``strikes_attackexport_day`` holds, per day in ``settings.TIME_ZONE`` and piece of
# ``STORED_PIECE``, the stored Features of the attacks anyone sees (``_public()``) that day, in
# the default export order, joined by commas, each url written chr(1) id and the url's end
# after the id (``url_tail()``, the same on every host): the request's url before the id
# replaces chr(1) when read (JSON text never holds a raw control character).
# A date-range download (``_date_range``) reads its whole days as these pieces and
# the other rows (days at the edges, stale days) from the lines: ``features_sql``.
#
# A day is read from its pieces only when it has a piece 0 and no mark in
# ``strikes_attackexport_stale``; any other day is read from the lines, so a day missing is
# never wrong, only slower. Every write that can change a day's pieces marks it: a statement on
# ``strikes_attack`` the days of the public rows it had (a move, a retraction, a deletion leaves
# the old day), an insert the days of the public rows it made, and each refresh of lines (at
# commit, whatever table the write touched) the days the refreshed attacks are in now, if public.
# An attack public neither before nor after a write is in no day: it marks nothing (the drafts
# ingest creates and links articles to cost no day's rebuild). The refresh then rebuilds the
# days the transaction marked when they are few (``SMALL_DAYS``: an editor's edit); a bulk write
# leaves them marked, read from the lines until the beat task ``strikes.tasks.export_days_build``
# (``stale_days_build``), ``strikes_attackexport_days_build(NULL)`` or the next rebuild. Marks are plain rows (no
# unique key), so marking never waits for another writer; rebuilding a day takes a lock on it
# first and computes in a statement of its own, which sees what a writer it waited for
# committed, then removes the marks it can see (those its snapshot covers).

SMALL_DAYS = 3

# What stands for a url's start (before the id) in a stored day: chr(1) in the SQL that writes
# the days, replaced by the request's in what is sent (``fill_url``).
URL_MARK = b"\x01"

# pg_advisory_xact_lock's first key for the lock on a day (the second: the day's number).
_DAY_LOCK = 0x5D1A


def _public():
    """The attacks anyone sees, as the API's filterset selects them for a request without
    filters (strikes.filtersets): published, discounted ones left out."""
    from strikes.choices import EvidenceGrade

    return Attack.objects.visible_to(None).exclude(grade=EvidenceGrade.DISCOUNTED)


def _public_sql() -> str:
    """``SELECT id, occurred_at`` of ``_public()``, its values written into the SQL."""
    sql, params = _public().order_by().values("id", "occurred_at").query.sql_with_params()
    return sql % tuple(sql_text(str(p)) for p in params)


def _public_row(alias: str) -> str:
    """The condition of ``_public()`` on one row of ``strikes_attack`` called ``alias`` (a
    transition table's row, whose state may no longer be the table's): the marks leave out
    attacks that are in no stored day, before and after a write (an ingested draft)."""
    sql = _public_sql()
    where = sql.split(" WHERE ", 1)[1]
    if " JOIN " in sql or not where.startswith("(") or '"strikes_attack".' not in where:
        raise ValueError(f"The public attacks are no longer a condition on one row: {sql}")
    return where.replace('"strikes_attack".', f"{alias}.")


def stale_days_build(using: str = "default") -> int:
    """Build the days that writes left stale (more than ``SMALL_DAYS`` in one transaction: an
    import, a bulk edit), so that their downloads are read from the stored days again; returns
    how many. Marks of transactions still in progress are not seen, and stay. Run by the beat
    task ``strikes.tasks.export_days_build`` every ``EXPORT_DAYS_SECONDS``."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT array_agg(DISTINCT s.day ORDER BY s.day) FROM strikes_attackexport_stale s")
        days = cursor.fetchone()[0] or []
        if days:
            cursor.execute("SELECT strikes_attackexport_days_build(%s::date[])", [days])
    return len(days)


def days_sql(options: str) -> str:
    """The functions and triggers that keep ``strikes_attackexport_day``, run with ``options``
    (the lines' zone): ``strikes_attackexport_days_build(days)`` (every day for NULL) and the
    marks (see "Days" above).

    The build plans for its days each time (``force_custom_plan``): it runs inside the flush,
    which asks for generic plans for small transactions (migration 0015), and the generic plan
    of the one-day build, not knowing the array, read every public attack's line: 2 s per
    edit at 200,000 attacks against 4 ms."""
    public = _public_sql()
    feature = f"e.feature_head || chr({URL_MARK[0]}) || e.attack_id::text || {sql_text(url_tail())} || e.feature_tail"

    def ranks(rows: str) -> str:
        # Each public attack of the days ``rows`` selects, with its rank in its day's order.
        return (
            "SELECT a.id, a.day, row_number() OVER"
            " (PARTITION BY a.day ORDER BY a.occurred_at DESC, a.id DESC) - 1 AS k"
            f" FROM ({rows}) a"
        )

    every = ranks(f"SELECT p.id, p.occurred_at, (p.occurred_at)::date AS day FROM ({public}) p")
    some = ranks(
        f"SELECT p.id, p.occurred_at, x AS day FROM unnest(p_days) x JOIN ({public}) p"
        " ON p.occurred_at >= x::timestamptz AND p.occurred_at < (x + 1)::timestamptz"
    )
    line_of_r = "SELECT 1 FROM strikes_attackexport e WHERE e.attack_id = r.id"
    kept = "SELECT k.day, k.piece FROM unnest(keep_days, keep_pieces) k(day, piece)"
    write = (
        "INSERT INTO strikes_attackexport_day (day, piece, ids, features)"
        f" SELECT r.day, r.k / {STORED_PIECE}, array_agg(r.id ORDER BY r.k), string_agg({feature}, ',' ORDER BY r.k)"
        " FROM r JOIN strikes_attackexport e ON e.attack_id = r.id"
    )

    marks = {
        "insert": ("REFERENCING NEW TABLE AS n", "n"),
        "update": ("REFERENCING OLD TABLE AS o", "o"),
        "delete": ("REFERENCING OLD TABLE AS o", "o"),
    }
    triggers = "\n".join(
        f"CREATE OR REPLACE TRIGGER strikes_attackexport_mark_day_{event} AFTER {event.upper()} ON strikes_attack"
        f" {transition} FOR EACH STATEMENT EXECUTE FUNCTION strikes_attackexport_day_mark('{table}');"
        for event, (transition, table) in marks.items()
    )
    return f"""
CREATE OR REPLACE FUNCTION strikes_attackexport_days_build(p_days date[], p_ids bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql {options} SET plan_cache_mode TO force_custom_plan AS $fn$
DECLARE
    whole date[];
    keep_days date[];
    keep_pieces integer[];
    missing date[];
BEGIN
    IF p_days IS NULL THEN
        -- Every day, whole; a day with a line missing left out.
        DELETE FROM strikes_attackexport_stale;
        DELETE FROM strikes_attackexport_day;
        WITH r AS ({every}), missing AS (
            SELECT DISTINCT r.day FROM r WHERE NOT EXISTS ({line_of_r})
        )
        {write} WHERE r.day NOT IN (SELECT missing.day FROM missing) GROUP BY r.day, r.k / {STORED_PIECE};
        RETURN;
    END IF;
    -- Locked in day order (two builders of the same days never deadlock); the statements after
    -- the lock see what a builder it waited for committed.
    PERFORM pg_advisory_xact_lock({_DAY_LOCK}, x - DATE '2000-01-01') FROM unnest(p_days) x ORDER BY x;
    -- Whole: the days asked so (no p_ids), a day another transaction marked (it changed attacks
    -- we do not know), and a day with a line missing (written as no piece: read from the lines).
    WITH gone AS (DELETE FROM strikes_attackexport_stale WHERE day = ANY(p_days) RETURNING xid, day)
    SELECT coalesce(array_agg(DISTINCT gone.day) FILTER (WHERE gone.xid <> txid_current()), '{{}}')
    INTO whole FROM gone;
    IF p_ids IS NULL THEN
        whole := p_days;
    END IF;
    WITH r AS ({some})
    -- (A probe per attack, as a scalar subquery: as NOT EXISTS, planned for the rows of a
    -- join it cannot estimate, it scanned every line: 675 ms for one day at a million.)
    SELECT coalesce(array_agg(DISTINCT r.day), '{{}}') INTO missing FROM r
    WHERE (SELECT e.attack_id FROM strikes_attackexport e WHERE e.attack_id = r.id) IS NULL;
    whole := whole || missing;
    -- Kept: a piece of a day not rebuilt whole that holds the same attacks as before, none of
    -- them p_ids (whose lines changed); every other piece of these days is written again.
    WITH r AS ({some}), w AS (
        SELECT r.day, r.k / {STORED_PIECE} AS piece, array_agg(r.id ORDER BY r.k) AS ids FROM r GROUP BY 1, 2
    )
    SELECT coalesce(array_agg(w.day), '{{}}'), coalesce(array_agg(w.piece), '{{}}') INTO keep_days, keep_pieces
    FROM w JOIN strikes_attackexport_day d ON d.day = w.day AND d.piece = w.piece AND d.ids = w.ids
    WHERE w.day <> ALL (whole) AND NOT w.ids && p_ids;
    DELETE FROM strikes_attackexport_day d WHERE d.day = ANY(p_days)
    AND (d.day, d.piece) NOT IN ({kept});
    WITH r AS ({some})
    {write} WHERE r.day <> ALL (missing) AND (r.day, r.k / {STORED_PIECE}) NOT IN ({kept})
    GROUP BY r.day, r.k / {STORED_PIECE};
END;
$fn$;
CREATE OR REPLACE FUNCTION strikes_attackexport_day_mark() RETURNS trigger
LANGUAGE plpgsql {options} AS $fn$
BEGIN
    IF TG_ARGV[0] = 'n' THEN
        INSERT INTO strikes_attackexport_stale (xid, day)
        SELECT DISTINCT txid_current(), (n.occurred_at)::date FROM n
        WHERE n.occurred_at IS NOT NULL AND {_public_row("n")};
    ELSE
        INSERT INTO strikes_attackexport_stale (xid, day)
        SELECT DISTINCT txid_current(), (o.occurred_at)::date FROM o
        WHERE o.occurred_at IS NOT NULL AND {_public_row("o")};
    END IF;
    RETURN NULL;
END;
$fn$;
{triggers}
CREATE OR REPLACE FUNCTION strikes_attackexport_days_refresh() RETURNS trigger
LANGUAGE plpgsql {options} AS $fn$
DECLARE
    me bigint := txid_current();
    days date[];
BEGIN
    INSERT INTO strikes_attackexport_stale (xid, day)
    SELECT DISTINCT me, (a.occurred_at)::date FROM n JOIN strikes_attack a ON a.id = n.attack_id
    WHERE {_public_row("a")};
    SELECT array_agg(DISTINCT s.day ORDER BY s.day) INTO days FROM strikes_attackexport_stale s WHERE s.xid = me;
    IF cardinality(days) <= {SMALL_DAYS} THEN
        PERFORM strikes_attackexport_days_build(days, ARRAY(SELECT n.attack_id FROM n));
    END IF;
    RETURN NULL;
END;
$fn$;
CREATE OR REPLACE TRIGGER strikes_attackexport_days_refresh AFTER UPDATE ON strikes_attackexport
REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION strikes_attackexport_days_refresh();
CREATE OR REPLACE FUNCTION strikes_attackexport_days_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE strikes_attackexport_stale, strikes_attackexport_day;
    RETURN NULL;
END;
$fn$;
CREATE OR REPLACE TRIGGER strikes_attackexport_days_truncate AFTER TRUNCATE ON strikes_attackexport
FOR EACH STATEMENT EXECUTE FUNCTION strikes_attackexport_days_truncated();
"""


class WithUrl(tuple):
    """A stored COPY's (statement, parameters) whose pieces hold stored days (``_days_sql``):
    each url written chr(1) id and its end (``url_tail()``); chr(1) replaced by ``url`` (the
    request's url before the id, as JSON text) in what is sent.

    ``held``: (statement, parameters) of the same COPY for a server keeping pieces in files
    (``strikes.api.export_cache``), its last parameter left for the digests of the pieces it
    holds: those come as chr(2) and their digest in hex, any other stored piece as chr(3), its
    digest in hex, then its text. ``pieces``: (statement, parameters) of every stored piece of
    the days in range (digest, bytes, Features), which the holder looks for in its files."""

    url: bytes
    held: tuple[str, tuple]
    pieces: tuple[str, tuple]


def url_tail() -> str:
    """The end of a Feature's url after the attack id, as JSON text (``/"``): the part of the
    detail URL that no host, scheme or script prefix changes, so the stored days hold it as
    it is and a request fills in only what comes before the id (one replacement, not two: a
    copy of the bench's 16 MB fewer per download)."""
    from django.urls import reverse  # the URLconf imports the API, which imports this module

    return json.dumps(reverse("api-attack-detail", args=["__pk__"]).split("__pk__", 1)[1], ensure_ascii=False)[1:]


def _with_url(chunks: Iterator[bytes], head: bytes) -> Iterator[bytes]:
    """``chunks`` with chr(1) replaced by ``head``: in Python, not in PostgreSQL, whose
    replace() of the bench's 16 MB cost the backend 14 ms of CPU against 2 ms here (200,000
    attacks, load 12). No other byte is touched: JSON text never holds a raw control
    character, so the pieces read from the lines have none (and are sent as they are)."""
    for chunk in chunks:
        yield fill_url(chunk, head)


def fill_url(data, head: bytes) -> bytes:
    """``data`` (bytes-like) with each ``URL_MARK`` replaced by ``head``."""
    return data.replace(URL_MARK, head)


Bounds = tuple[dt.datetime | None, dt.datetime | None, bool]


def _date_range(queryset) -> Bounds | None:
    """(from, to, whether ``to`` is included) when ``queryset`` is the public attacks
    (``_public()``, as stored by day) between two moments, one of them open or not, in the default order
    (newest first, ties by id); None for any other query.

    Told by the SQL itself: the moments are read from the query's conditions on
    ``occurred_at``, and the query must compile to the very SQL of ``_public()`` with those
    conditions; any other filter, or a visibility other than the public's, differs."""
    keys, descending = ordering_keys(queryset)
    sort_key = queryset.query.annotations.get("sort_key")
    if (
        keys != ["sort_key", "id"]
        or not descending
        or getattr(getattr(sort_key, "target", None), "name", None) != "occurred_at"
    ):
        return None
    expected, start, end, included = _public(), None, None, False
    for child in queryset.query.where.children:
        target = getattr(getattr(child, "lhs", None), "target", None)
        name = getattr(child, "lookup_name", None)
        if getattr(target, "name", None) != "occurred_at" or name not in ("gte", "lt", "lte"):
            continue
        if not isinstance(child.rhs, dt.datetime):
            return None
        expected = expected.filter(**{f"occurred_at__{name}": child.rhs})
        if name == "gte":
            start = child.rhs
        else:
            end, included = child.rhs, name == "lte"
    # Without a moment the whole archive: left to the lines (pieces of any size, across days).
    if (start is None and end is None) or rows_sql(queryset, ["id"]) != rows_sql(expected, ["id"]):
        return None
    return start, end, included


def _days_sql(
    bounds: Bounds, inner_sql: str, inner_params: tuple, line: str, chunk: int, url: tuple
) -> tuple[str, tuple]:
    """``features_sql`` for a date range (``_date_range``): the same pieces of Features in the
    same order (a piece never spans two days), each whole day in range read as its stored
    pieces, every other row (days at the edges, stale days) by its line. The rows of the days
    read whole are told by their moment in a multirange of those days (a binary search), not
    by their day: a date of each of the bench's 9,120 moments compared with 41 days cost more.

    ``s``: the days read whole (a piece 0, no mark; the days after ``from`` begins, and ending
    by ``to``); ``r``: the other rows' ids, by day, in order; ``k``: the pieces, days newest
    first, each written after the sort (LIMIT), which then moves keys, not 220 KB values."""
    start, end, included = bounds
    conditions, params = [], []
    if start is not None:
        conditions.append("d.day >= (%s::timestamptz)::date AND d.day::timestamptz >= %s")
        params += [start, start]
    if end is not None:
        # Whole when its last moment is in range: its end (the next day's start) is at most
        # ``to`` (excluded) or a microsecond after it (included).
        slack = " + interval '1 microsecond'" if included else ""
        conditions.append(f"d.day <= (%s::timestamptz)::date AND (d.day + 1)::timestamptz <= %s::timestamptz{slack}")
        params += [end, end]
    where = "".join(f" AND {c}" for c in conditions)
    ids = "(SELECT r.ids FROM r WHERE r.day = k.day)"
    piece = (
        "SELECT CASE WHEN count(x.line) = count(*) THEN string_agg(x.line, ',' ORDER BY x.k) END"
        f" FROM (SELECT u.k, {line} AS line FROM unnest({ids}[k.piece * {chunk} + 1 : (k.piece + 1) * {chunk}])"
        f" WITH ORDINALITY u(id, k) ORDER BY u.k LIMIT {chunk}) x"
    )
    where_piece = "FROM strikes_attackexport_day p WHERE p.day = k.day AND p.piece = k.piece"
    held = (
        "SELECT CASE WHEN p.digest = ANY (%s::bytea[]) THEN chr(2) || encode(p.digest, 'hex')"
        f" ELSE chr(3) || encode(p.digest, 'hex') || p.features END {where_piece}"
    )
    statements = [
        _days_select(where, inner_sql, piece, chunk, stored) for stored in (f"SELECT p.features {where_piece}", held)
    ]
    all_params = (*params, *inner_params, *url)
    statement = WithUrl((f"COPY ({statements[0]}) TO STDOUT (FORMAT binary)", all_params))
    statement.url = url[0].encode()
    statement.held = (f"COPY ({statements[1]}) TO STDOUT (FORMAT binary)", all_params)
    statement.pieces = (
        "SELECT d.digest, octet_length(d.features), cardinality(d.ids)"
        f" FROM strikes_attackexport_day d WHERE true{where}",
        tuple(params),
    )
    return statement


def _days_select(where: str, inner_sql: str, piece: str, chunk: int, stored: str) -> str:
    """``_days_sql``'s SELECT, a stored piece read by ``stored``."""
    days = "(SELECT s.days FROM s)::date[]"
    return (
        "WITH s AS MATERIALIZED (SELECT coalesce(array_agg(d.day), '{}') AS days,"
        " coalesce(range_agg(tstzrange(d.day::timestamptz, (d.day + 1)::timestamptz)), '{}') AS moments"
        " FROM strikes_attackexport_day d"
        f" WHERE d.piece = 0{where}"
        " AND NOT EXISTS (SELECT 1 FROM strikes_attackexport_stale m WHERE m.day = d.day)),"
        " r AS MATERIALIZED (SELECT (f.sort_key)::date AS day,"
        " array_agg(f.id ORDER BY f.sort_key DESC, f.id DESC) AS ids"
        f" FROM ({inner_sql}) f WHERE NOT f.sort_key <@ (SELECT s.moments FROM s) GROUP BY 1),"
        f" k AS (SELECT d.day, d.piece, false AS line FROM strikes_attackexport_day d WHERE d.day = ANY ({days})"
        " UNION ALL SELECT r.day, g, true FROM r,"
        f" generate_series(0, (cardinality(r.ids) + {chunk - 1}) / {chunk} - 1) g)"
        f" SELECT CASE WHEN k.line THEN ({piece}) ELSE ({stored}) END FROM k"
        f" ORDER BY k.day DESC, k.piece LIMIT {NO_LIMIT}"
    )
