# ruff: noqa: S608 -- SQL is built from module constants and model table names; values are placeholders.
"""``as_of=DATETIME``: attacks, their published figures, the timeline and the map as they stood
at a past moment, rebuilt from the history the database keeps.

How: for the one request, inside one transaction, temporary views named like the live tables
are created — ``strikes_attack``, ``casualties_publishedfigure`` and, when the timeline or the
map asks (``summaries``), the per-day and per-cell summary tables — reading the rows as they
stood then. PostgreSQL looks a table name up in the session's temporary schema first, so every
statement the request runs (the filters, the representation's SQL, the exports, the timeline
and the map) reads the past without a line of it changing; they are dropped before the
transaction ends. A request without ``as_of`` never comes here: its SQL, its caches and its
query counts are untouched.

Why this file is long: the snapshot is one mechanism. The views for attacks, figures and the two
summaries are made together, depend on the same set of changed attacks, and are dropped together
in one transaction; split across modules, each part would need the others' temporary names.

Only the attacks changed since the moment (a history event after it, or a row written after
it) can differ from today's rows, so only they are rebuilt: each view is today's table minus
the rows those attacks touch, plus those rows as they stood. The cost follows the number of
attacks changed since the moment, not the size of the data (docs/PERFORMANCE.md, 16b); with
none, today's tables are the snapshot and no view is made.

- Attacks: for a changed attack, its last history event (``strikes_attackevent``) at or before
  the moment; an attack created later is absent, one deleted since is back as it was. An attack
  with no history at all (written with the triggers off) is today's row, from its creation. The
  history keeps every column but the search vector (read from today's row, so ``q=`` still
  works) and the oblast (derived from the place, as the live trigger does).
- Published figures: today's rows where nothing that feeds them changed since the moment;
  for the attacks whose claims or decisions changed since (or whose figure row did), derived
  again from their claims and current decisions as the history gives them then, by the one
  derivation (``casualties.services.figures_derive``).
- Munitions, sources and places are read as they are now (they are not kept in history).
- The per-day and per-cell summary tables: today's sums corrected by the changed attacks'
  contributions now and then (``summaries``); or, when a stored snapshot of them is nearer the
  moment (strikes.asof_snapshots), that snapshot corrected by the attacks whose state differs
  between its moment and this one (``_choose_base``).
- What an answer does not read is not rebuilt: the map and the decided timeline derive no
  figures (``figures=False``), and the decided timeline rebuilds the attacks only when it reads
  them (``attacks=False``, ``attacks()``); until then those names are views that fail.
"""

import contextvars
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from psycopg.types.json import Jsonb

from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import figures_derive
from config.api import bad_parameter
from config.filters import MomentField
from sources.models import Article
from strikes.api.docs import ex
from strikes.models import Attack

AS_OF = "as_of"

AS_OF_PARAMETER = OpenApiParameter(
    AS_OF,
    str,
    description=(
        "The data as it stood at this moment (ISO 8601 date-time, or a date: 00:00 Kyiv time): "
        "the attacks that were published then, with the figures published then, rebuilt from "
        "the history. Not later than now (plus ATTACK_CLOCK_SKEW_MINUTES). Munitions and sources "
        "are shown as they are now."
    ),
    examples=ex("2025-12-01T00:00:00Z"),
)

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)
# The snapshot's attack (a detail) and whether its summary tables exist yet.
_state: contextvars.ContextVar[dict | None] = contextvars.ContextVar("as_of_state", default=None)


def active() -> bool:
    """Whether this request reads a snapshot (the summary tables need ``summaries()`` first)."""
    return _moment.get() is not None


def parse_as_of(request) -> dt.datetime | None:
    """The request's ``as_of``, or None; a 400 naming it for a bad, repeated or future value."""
    values = request.query_params.getlist(AS_OF)
    if not values:
        return None
    if len(values) > 1:
        raise bad_parameter(AS_OF, f"'{AS_OF}' was given {len(values)} times; give it once.")
    if not values[0].strip() or "\x00" in values[0]:
        raise bad_parameter(AS_OF, f"'{AS_OF}' needs a date or date-time (ISO 8601).")
    try:
        parsed = MomentField().clean(values[0])
    except ValidationError as exc:
        raise bad_parameter(AS_OF, f"Invalid value for '{AS_OF}': {' '.join(exc.messages)}") from None
    moment = parsed[0]
    latest = timezone.now() + dt.timedelta(minutes=settings.ATTACK_CLOCK_SKEW_MINUTES)
    if moment > latest:
        raise bad_parameter(AS_OF, f"'{AS_OF}' is in the future; the data can only be shown as it stood.")
    return moment


def answer(request, respond, *, attack_id=None, figures: bool = True, attacks: bool = True):
    """``respond()``, read at the request's ``as_of`` when it gives one (else exactly as is).
    ``attack_id``: the request reads this one attack (a detail), so only it is rebuilt.
    ``figures=False``: the answer reads no published figures (the map, the decided timeline),
    so they are not derived again (``snapshot``). ``attacks=False`` (with ``figures=False``):
    the attacks are rebuilt only when ``attacks()`` asks (the decided timeline reads the summaries).

    A streamed export is read to the end inside the snapshot: the temporary relations do not
    outlive it."""
    moment = parse_as_of(request)
    if moment is None:
        return respond()
    with snapshot(moment, attack_id=attack_id, figures=figures, attacks=attacks):
        response = respond()
        if isinstance(response, StreamingHttpResponse):
            body = b"".join(response.streaming_content)
            headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
            response = HttpResponse(body, status=response.status_code, headers=headers)
    return response


@contextmanager
def snapshot(
    moment: dt.datetime,
    *,
    attack_id: int | None = None,
    exact: bool = False,
    figures: bool = True,
    attacks: bool = True,
):
    """Within the block, ``strikes_attack`` and ``casualties_publishedfigure`` read as at
    ``moment`` (only the attack ``attack_id`` and its figures, when given); the summary tables
    too once ``summaries()`` has been asked (not for one attack). ``exact``: the map's summary
    is corrected whatever the cost of reading shrunk cells' bounds (``summaries`` never declines
    it; for storing a snapshot of it, strikes.asof_snapshots). ``figures=False``: the block
    reads no published figures: they are not derived again (with many attacks changed since,
    that is most of the snapshot's cost), and reading them fails instead of showing today's.
    ``attacks=False`` (only with ``figures=False``): ``strikes_attack`` is rebuilt only when
    ``attacks()`` is called; reading it before fails the same way."""
    token = _moment.set(moment)
    state = {"attack_id": attack_id, "summaries": {}, "views": [], "tables": [], "exact": exact}
    state["lazy"] = not (attacks or figures)
    state_token = _state.set(state)
    try:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                # One view of the data for every statement: the live rows the snapshot reads
                # stay those its changed attacks were found among (a write committed during
                # the request would otherwise show through the view). And the transaction
                # writes only temporary objects, but their catalogue rows make its commit wait
                # for a flush of the log (~10 ms on a busy disk); nothing here needs to survive
                # a crash. And no JIT: the corrections' statements touch a few thousand rows,
                # but their subqueries per row are costed above the JIT threshold, and compiling
                # them took ~550 ms of a map's 830 ms with 10,000 attacks changed since (200k).
                # Not inside a caller's transaction: it may write, and has begun.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL synchronous_commit = off;"
                        " SET LOCAL jit = off"
                    )
            _create(moment, attack_id, figures)
            yield
            # On an error the rollback removes them; here they go before the transaction ends
            # (ON COMMIT DROP alone would leave them to a caller's enclosing transaction).
            drops = [f"DROP VIEW {', '.join(reversed(state['views']))}"] if state["views"] else []
            drops += [f"DROP TABLE {', '.join(state['tables'])}"] if state["tables"] else []
            if drops:
                with connection.cursor() as cursor:
                    cursor.execute("; ".join(drops))
    finally:
        _state.reset(state_token)
        _moment.reset(token)


def _temp_view(state: dict, name: str) -> str:
    """``CREATE TEMP VIEW name``, the view noted to be dropped when the snapshot ends."""
    state["views"].append(f"pg_temp.{name}")
    return f"CREATE TEMP VIEW {name}"


def _temp_table(state: dict, name: str) -> str:
    """``CREATE TEMP TABLE name``, the table noted to be dropped when the snapshot ends."""
    state["tables"].append(f"pg_temp.{name}")
    return f"CREATE TEMP TABLE {name}"


def _create(moment: dt.datetime, attack_id: int | None, figures: bool) -> None:
    state = _state.get()
    attack_table, figure_table = Attack._meta.db_table, PublishedFigure._meta.db_table
    attack_events = apps.get_model("strikes", "AttackEvent")._meta.db_table
    names = (attack_table, figure_table, *SUMMARY_TABLES)
    with connection.cursor() as cursor:
        # The live tables by their schema (the bare names mean the snapshot once it exists).
        cursor.execute(
            "SELECT relname, relnamespace::regnamespace::text FROM pg_class"
            " WHERE oid = ANY(ARRAY(SELECT to_regclass(n) FROM unnest(%s::text[]) n))",
            [list(names)],
        )
        state["live"] = live = {name: f"{schema}.{name}" for name, schema in cursor.fetchall()}
        live_attacks, live_figures = live[attack_table], live[figure_table]
        # The attacks whose row may differ from today's: an event since the moment (an edit, a
        # delete, an insert), or a row written since (its updated_at; also catches a row whose
        # transaction began before the moment, and so its event's time, but wrote after it).
        # Both walk an index on the time. Every other live row is today's as it stood then
        # (every writer moves updated_at: Django's auto_now, the generator's last article).
        one = "" if attack_id is None else " AND pgh_obj_id = %(one)s"
        changed_sql = (
            f"SELECT pgh_obj_id AS id FROM {attack_events} WHERE pgh_created_at > %(t)s{one}"
            f" UNION SELECT id FROM {live_attacks} WHERE updated_at > %(t)s{one.replace('pgh_obj_id', 'id')}"
        )
        params = {"t": moment, "one": attack_id}
        cursor.execute(f"SELECT EXISTS ({changed_sql})", params)
        state["changed"] = changed = cursor.fetchone()[0]
        state["changed_sql"], state["params"] = changed_sql, params
        if changed and state["lazy"]:
            # Rebuilt when asked (``attacks()``); until then a read fails rather than show today's.
            cursor.execute(
                f"{_temp_view(state, attack_table)} AS SELECT * FROM {live_attacks}"
                " WHERE 'as_of: the attacks were not rebuilt (asof.attacks())'::text::integer = 0"
            )
        elif changed:
            _create_attacks(cursor, state, moment, attack_id, attack_events, changed_sql, params)
        # (Nothing changed since: today's rows are the snapshot, read as they are.)
        if not figures:
            # A statement reading them fails when it is planned (the cast of the text is folded
            # then), with this message: never today's figures shown as the past's.
            cursor.execute(
                f"{_temp_view(state, figure_table)} AS SELECT * FROM {live_figures}"
                " WHERE 'as_of: this answer was built without the published figures'::text::integer = 0"
            )
            return
        touched = _touched_attacks(cursor, moment, live_figures, changed)
        if not touched:
            return
        _insert_derived(cursor, state, moment, touched, live_figures)
        # The figures are a view: today's rows of the attacks nothing touched since, and the
        # derived ones of the others (copying every figure cost more than the rest together).
        cursor.execute(
            f"{_temp_table(state, 'asof_touched')} ON COMMIT DROP AS SELECT unnest(%s::bigint[]) AS id;"
            " ANALYZE pg_temp.asof_touched;"
            f" {_temp_view(state, figure_table)} AS SELECT * FROM {live_figures} pf"
            " WHERE NOT EXISTS (SELECT 1 FROM pg_temp.asof_touched t WHERE t.id = pf.attack_id)"
            " UNION ALL SELECT * FROM pg_temp.asof_figures",
            [touched],
        )


def _create_attacks(
    cursor, state: dict, moment: dt.datetime, attack_id: int | None, attack_events: str, changed_sql: str, params
) -> None:
    """The snapshot's ``strikes_attack``: a view of today's rows but the changed ones (those
    ``changed_sql`` selects, kept in ``pg_temp.asof_changed``), and those as they stood
    (``pg_temp.asof_attacks``)."""
    live_attacks = state["live"][Attack._meta.db_table]
    columns = [f.column for f in Attack._meta.concrete_fields]
    select = []
    for column in columns:
        if column == "search_vector":
            select.append("now_row.search_vector")
        elif column == "oblast_id":
            select.append("COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)")
        else:
            select.append(f"e.{column}")
    # The snapshot's view: conditions and orderings reach the live table's indexes through the
    # UNION ALL only when each branch is a table alone: PostgreSQL then plans it as a base table
    # of the query (a keyset page walks its index in order and stops). A condition or an
    # anti-join inside the branch would make it a subquery planned on its own, in no order: at a
    # million attacks the three-filter list then sorted all 35,723 matches (80 ms). So the
    # changed ids are left out by a condition on the whole, which reaches the live branch as
    # "not among them" (a hash of the changed ids, built once a query) and is constant false on
    # the other.
    one = "" if attack_id is None else f" AND u.id = {int(attack_id)}"
    cursor.execute(
        # (Selected again rather than sent back: the same rows in this transaction's one view
        # of the data, and no array of thousands of ids quoted into the statement.)
        f"{_temp_table(state, 'asof_changed')} ON COMMIT DROP AS {changed_sql}; ANALYZE pg_temp.asof_changed;"
        f" {_temp_table(state, 'asof_attacks')} (LIKE {live_attacks}) ON COMMIT DROP;"
        # Those attacks as they stood: the last history event at or before the moment (none or
        # a delete: absent then).
        f" INSERT INTO pg_temp.asof_attacks ({', '.join(columns)})"
        f" SELECT {', '.join(select)} FROM ("
        f"  SELECT DISTINCT ON (pgh_obj_id) * FROM {attack_events}"
        "   WHERE pgh_obj_id IN (SELECT id FROM pg_temp.asof_changed) AND pgh_created_at <= %(t)s"
        "   ORDER BY pgh_obj_id, pgh_id DESC"
        " ) e"
        f" LEFT JOIN {live_attacks} now_row ON now_row.id = e.pgh_obj_id"
        " LEFT JOIN strikes_place p ON p.id = e.place_id"
        " WHERE e.pgh_label <> 'delete';"
        # Rows written with the history triggers off (the benchmark's generator) have no
        # events: today's row is the only state known, shown from the moment it was created.
        # (Changed without an event: written since. Read along the index on updated_at rather
        # than probed by key from asof_changed: at a million attacks with 10,000 written since,
        # of which 446 were created before the moment, 75 -> 5.8 ms in EXPLAIN ANALYZE.)
        f" INSERT INTO pg_temp.asof_attacks ({', '.join(columns)})"
        f" SELECT {', '.join(columns)} FROM {live_attacks} a"
        f" WHERE a.updated_at > %(t)s AND a.created_at <= %(t)s{one.replace('u.id', 'a.id')}"
        f" AND NOT EXISTS (SELECT 1 FROM {attack_events} e WHERE e.pgh_obj_id = a.id);"
        " ALTER TABLE pg_temp.asof_attacks ADD PRIMARY KEY (id);"
        # Temporary tables are never analysed by autovacuum: without statistics the planner
        # guesses their size from their pages.
        " ANALYZE pg_temp.asof_attacks;"
        f" {_temp_view(state, Attack._meta.db_table)} AS SELECT {', '.join(f'u.{c}' for c in columns)} FROM"
        f" (SELECT a.*, true AS asof_live FROM {live_attacks} a"
        "  UNION ALL SELECT r.*, false FROM pg_temp.asof_attacks r) u"
        f" WHERE NOT (u.asof_live AND u.id IN (SELECT id FROM pg_temp.asof_changed)){one}",
        params,
    )


# --- The summary tables at the moment ---

# The per-day and per-cell sums (strikes migration 0006, grade condition from 0010): their
# keys, time zone and grid are read from the migrations, so the corrections below key rows
# exactly as the triggers do.
_summary = import_module("strikes.migrations.0006_attack_summary")
_COUNTED = import_module("strikes.migrations.0010_evidence_grades").COUNTED.format(a="")
SUMMARY_TABLES = ("strikes_attack_daily", "strikes_attack_daily_total", "strikes_attack_cell")
# A map snapshot reads the finest corrected cells' bounds again from the attacks while there
# are at most one per SHRUNK_CELL_ATTACKS attacks; more, and it sums the snapshot's attacks
# instead (``summaries``). Measured at 200k attacks (load 2.3-4.4): ~0.45 ms per finest shrunk
# cell all told (the coarser levels' bounds from the finer rows included) against ~3.5 us per
# attack summed: 724 such cells (2,000 attacks changed since) 335 ms against 408; 2,668 (10,000
# changed) 1,521 ms against 1,078.
SHRUNK_CELL_ATTACKS = 150
# Up to this many, they are read whatever the size of the data (a small database, or one never
# analysed, whose size the catalogue does not know).
MAX_SHRUNK_CELLS = 200


def summaries(kind: str) -> bool:
    """Within a snapshot, make the summary tables of ``kind`` (``"timeline"``: per day;
    ``"map"``: per cell) read as at its moment (once; a no-op after): today's sums corrected by
    the changed attacks. False when they cannot (a snapshot of one attack; a map whose
    corrected finest cells' bounds would cost more to read than the attacks): the caller sums
    the snapshot's attacks instead.

    Only the attacks that changed since the moment differ from today's rows, so each summary
    row they fall in is today's row minus their contributions now plus their contributions
    then (the triggers' own arithmetic). A removed point on its cell's bounds makes those
    bounds be read again: a finest cell's from the snapshot's attacks in it, as the trigger
    does; a coarser cell's from the finer level's rows under it, as the rebuild does.
    """
    state = _state.get()
    if state is None or state["attack_id"] is not None:
        return False
    if kind not in state["summaries"]:
        if not state["changed"]:  # today's sums are the snapshot's
            state["summaries"][kind] = True
        else:
            with connection.cursor() as cursor:
                if "base" not in state:
                    _choose_base(cursor, state)
                state["summaries"][kind] = _create_summaries(cursor, state, kind)
    return state["summaries"][kind]


def attacks() -> None:
    """Within a snapshot made with ``attacks=False``, rebuild ``strikes_attack`` as at its
    moment now (once; a no-op otherwise): before a statement reads the attacks."""
    state = _state.get()
    if state is None or not state["changed"] or not state["lazy"]:
        return
    state["lazy"] = False
    name = f"pg_temp.{Attack._meta.db_table}"
    state["views"].remove(name)
    attack_events = apps.get_model("strikes", "AttackEvent")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW {name}")
        _create_attacks(
            cursor, state, _moment.get(), state["attack_id"], attack_events, state["changed_sql"], state["params"]
        )


# Stored snapshots of the summary tables at past moments (migration 0016, strikes.asof_snapshots):
# the one row per snapshot and, per summary table, its copy (the snapshot's id first).
SNAPSHOT_TABLE = "strikes_asof_snapshot"
SNAPSHOT_TABLES = {name: name.replace("strikes_attack", "strikes_asof_snapshot") for name in SUMMARY_TABLES}
# The columns the summaries are keyed and summed by, with the grade that decides whether an
# attack is counted (_COUNTED).
_STATE_COLUMNS = (*_summary.COLS.split(", "), "grade")


def _choose_base(cursor, state: dict) -> None:
    """The summary tables the corrections start from (``state["base"]``) and the attacks they
    are corrected by (``state["signed"]``: the SQL of their rows at the base, taken away, and at
    the moment, added).

    Today's tables, corrected by every attack changed since the moment; or, when a stored
    snapshot of them is nearer (fewer attacks differ between its moment and this one), that
    snapshot, corrected by the attacks whose state differs between the two moments: a history
    event between them, a row written between them, or one created between them (an attack
    without history is today's row from its creation). Any other attack reads the same at both:
    its last event is the same, or it is today's row at both."""
    moment = _moment.get()
    live = state["live"]
    live_attacks = live[Attack._meta.db_table]
    columns = ", ".join(_STATE_COLUMNS)
    state["base"] = {name: live[name] for name in SUMMARY_TABLES}
    state["signed"] = (
        f"SELECT {columns} FROM {live_attacks} WHERE id IN (SELECT id FROM pg_temp.asof_changed)",
        f"SELECT {columns} FROM pg_temp.asof_attacks",
    )
    # The nearest snapshot in time on either side (each an index probe on its moment).
    cursor.execute(
        f"(SELECT id, taken_at FROM {SNAPSHOT_TABLE} WHERE taken_at <= %(t)s ORDER BY taken_at DESC LIMIT 1)"
        f" UNION ALL (SELECT id, taken_at FROM {SNAPSHOT_TABLE} WHERE taken_at > %(t)s ORDER BY taken_at LIMIT 1)",
        {"t": moment},
    )
    found = sorted(cursor.fetchall(), key=lambda row: abs(row[1] - moment))
    if not found:
        attacks()  # today's tables are corrected by the rebuilt attacks
        return
    snapshot_id, taken_at = found[0]
    low, high = sorted((moment, taken_at))
    attack_events = apps.get_model("strikes", "AttackEvent")._meta.db_table
    # Created between the two moments and written since the later one (an attack with history
    # reads the same whatever its creation time; any other created between them and not written
    # since is in the range of updated_at above): for a snapshot before the moment those are
    # among the rows rebuilt for it; after, read along the index on updated_at (as
    # _create_attacks does: ~5 ms for 10,000 rows at a million, where probing them by key took 75).
    # (Not rebuilt yet, ``attacks=False``: today's rows along the index, as after.)
    created = (
        "SELECT id FROM pg_temp.asof_attacks WHERE created_at > %(low)s AND created_at <= %(high)s"
        if taken_at <= moment and not state["lazy"]
        else f"SELECT id FROM {live_attacks} WHERE updated_at > %(high)s AND created_at > %(low)s"
        " AND created_at <= %(high)s"
    )
    cursor.execute(
        f"{_temp_table(state, 'asof_between')} ON COMMIT DROP AS"
        f" SELECT pgh_obj_id AS id FROM {attack_events} WHERE pgh_created_at > %(low)s AND pgh_created_at <= %(high)s"
        f" UNION SELECT id FROM {live_attacks} WHERE updated_at > %(low)s AND updated_at <= %(high)s"
        f" UNION {created}",
        {"low": low, "high": high},
    )
    changed_ids = (
        f"({state['changed_sql']}) c" if state["lazy"] else "pg_temp.asof_changed"
    )  # (its index ranges, counted, when not rebuilt yet)
    cursor.execute(
        f"SELECT (SELECT count(*) FROM pg_temp.asof_between), (SELECT count(*) FROM {changed_ids})",
        state["params"] if state["lazy"] else None,
    )
    between, changed = cursor.fetchone()
    if between >= changed:  # today's tables are as near
        attacks()
        return
    # (No key or statistics for the few hundred ids: each is one probe of today's table by key;
    # the planner's guess from the table's pages is of the right order.)
    cursor.execute(
        f"{_temp_table(state, 'asof_at_base')} ON COMMIT DROP AS"
        f" {_states_at(live_attacks, attack_events, 'pg_temp.asof_between', '%(base)s')};"
        f" {_temp_table(state, 'asof_at_moment')} ON COMMIT DROP AS"
        f" {_states_at(live_attacks, attack_events, 'pg_temp.asof_between', '%(t)s')}",
        {"base": taken_at, "t": moment},
    )
    state["base"] = {
        name: f"(SELECT {', '.join(SUMMARY_COLUMNS[name])} FROM {table} WHERE snapshot_id = {int(snapshot_id)})"
        for name, table in SNAPSHOT_TABLES.items()
    }
    state["signed"] = (f"SELECT {columns} FROM pg_temp.asof_at_base", f"SELECT {columns} FROM pg_temp.asof_at_moment")


def _states_at(live_attacks: str, attack_events: str, ids: str, at: str) -> str:
    """SQL: the summaries' columns (``_STATE_COLUMNS``) of the attacks in the table ``ids`` as
    a snapshot at ``at`` reads them (``_create_attacks``): today's row if nothing changed since
    (no later event, no later write); else the last history event then (none or a delete:
    absent), or, for an attack without history, today's row from its creation."""
    live_columns = ", ".join(f"a.{c}" for c in _STATE_COLUMNS)
    event_columns = ", ".join(
        "COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)" if c == "oblast_id" else f"e.{c}"
        for c in _STATE_COLUMNS
    )
    return (
        f"WITH d AS (SELECT b.id, (a.id IS NULL OR a.updated_at > {at} OR EXISTS (SELECT 1 FROM {attack_events} x"
        f"  WHERE x.pgh_obj_id = b.id AND x.pgh_created_at > {at})) AS moved"
        f"  FROM {ids} b LEFT JOIN {live_attacks} a ON a.id = b.id)"
        f" SELECT {live_columns} FROM {live_attacks} a JOIN d ON d.id = a.id WHERE NOT d.moved"
        f" UNION ALL SELECT {event_columns} FROM ("
        f"  SELECT DISTINCT ON (pgh_obj_id) * FROM {attack_events}"
        f"   WHERE pgh_obj_id IN (SELECT id FROM d WHERE moved) AND pgh_created_at <= {at}"
        "   ORDER BY pgh_obj_id, pgh_id DESC"
        " ) e LEFT JOIN strikes_place p ON p.id = e.place_id WHERE e.pgh_label <> 'delete'"
        f" UNION ALL SELECT {live_columns} FROM {live_attacks} a JOIN d ON d.id = a.id"
        f" WHERE d.moved AND a.created_at <= {at}"
        f" AND NOT EXISTS (SELECT 1 FROM {attack_events} x WHERE x.pgh_obj_id = a.id)"
    )


def _create_summaries(cursor, state: dict, kind: str) -> bool:
    live = state["live"]
    live_attacks = live[Attack._meta.db_table]
    base = state["base"]
    taken, added = state["signed"]
    # Per attack correcting the base: -1 for its row there (when counted), +1 for its row then.
    keyed = f"""
        WITH changed AS (
            SELECT -1 AS sign, * FROM ({taken}) r WHERE {_COUNTED}
            UNION ALL SELECT 1 AS sign, * FROM ({added}) r WHERE {_COUNTED}
        ),
        keyed AS (
            SELECT sign, (occurred_at AT TIME ZONE '{_summary.TIME_ZONE}')::date AS day, status,
                   coalesce(place_id, 0) AS place_id, coalesce(oblast_id, 0) AS oblast_id,
                   longitude AS lon, latitude AS lat,
                   coalesce(killed_best, 0)::bigint AS killed, coalesce(injured_best, 0)::bigint AS injured
            FROM changed
        )"""
    daily_key = ("day", "status", "place_id", "oblast_id")
    if kind == "timeline":
        statements = [
            # The changed rows grouped once, per day, status, place and oblast; the per-day totals
            # from those groups (their deltas kept in the first table for it).
            _fix_sums(state, f"{keyed},", "keyed", _SIGNED, base, "strikes_attack_daily", "asof_daily_fix", daily_key),
            _fix_sums(
                state,
                "WITH",
                "pg_temp.asof_daily_fix",
                ("d_attacks", "d_killed", "d_injured"),
                base,
                "strikes_attack_daily_total",
                "asof_total_fix",
                daily_key[:2],
            ),
            *_summary_view(state, "strikes_attack_daily", "asof_daily_fix", daily_key),
            *_summary_view(state, "strikes_attack_daily_total", "asof_total_fix", daily_key[:2]),
        ]
        cursor.execute(";\n".join(statements))  # one round trip
        return True
    levels = "ARRAY[" + ", ".join(str(level) for level in _summary.LEVELS) + "]"
    size = _summary.size("k.level")
    cell_key = ("level", "gx", "gy", "status", "place_id", "oblast_id")
    cursor.execute(
        f"{_temp_table(state, 'asof_cell_fix')} ON COMMIT DROP AS {keyed},"
        # The net change per located point, then at every level (the trigger's ``points``, ``cells``).
        " points AS (SELECT status, place_id, oblast_id, lon, lat, sum(sign) AS n, sum(sign * killed) AS killed,"
        "  sum(sign * injured) AS injured FROM keyed WHERE lon IS NOT NULL GROUP BY 1, 2, 3, 4, 5),"
        f" cells AS (SELECT l.level, {_summary.cell('p.lon', 'l.level')} AS gx,"
        f"  {_summary.cell('p.lat', 'l.level')} AS gy,"
        f"  p.* FROM points p CROSS JOIN unnest({levels}) AS l(level)),"
        " delta AS (SELECT level, gx, gy, status, place_id, oblast_id, sum(n) AS attacks, sum(killed) AS killed,"
        "  sum(injured) AS injured, sum(n * lon::numeric) AS sum_lon, sum(n * lat::numeric) AS sum_lat,"
        "  min(lon) FILTER (WHERE n > 0) AS min_lon, min(lat) FILTER (WHERE n > 0) AS min_lat,"
        "  max(lon) FILTER (WHERE n > 0) AS max_lon, max(lat) FILTER (WHERE n > 0) AS max_lat,"
        "  array_agg(lon) FILTER (WHERE n < 0) AS gone_lon, array_agg(lat) FILTER (WHERE n < 0) AS gone_lat"
        "  FROM cells GROUP BY 1, 2, 3, 4, 5, 6)"
        " SELECT d.level::smallint AS level, d.gx, d.gy, d.status, d.place_id, d.oblast_id,"
        "  (coalesce(s.attacks, 0) + d.attacks)::integer AS attacks,"
        "  (coalesce(s.killed, 0) + d.killed)::bigint AS killed,"
        "  (coalesce(s.injured, 0) + d.injured)::bigint AS injured, coalesce(s.sum_lon, 0) + d.sum_lon AS sum_lon,"
        "  coalesce(s.sum_lat, 0) + d.sum_lat AS sum_lat,"
        "  least(s.min_lon, d.min_lon) AS min_lon, least(s.min_lat, d.min_lat) AS min_lat,"
        "  greatest(s.max_lon, d.max_lon) AS max_lon, greatest(s.max_lat, d.max_lat) AS max_lat,"
        # A point taken away on today's bounds: they may shrink (read again below).
        "  (s.min_lon = ANY(d.gone_lon) OR s.max_lon = ANY(d.gone_lon) OR s.min_lat = ANY(d.gone_lat)"
        "   OR s.max_lat = ANY(d.gone_lat)) IS TRUE AS shrunk"
        f" FROM delta d LEFT JOIN {base['strikes_attack_cell']} s USING (level, gx, gy, status, place_id, oblast_id)"
    )
    finest = _summary.LEVELS[-1]
    cursor.execute(
        "SELECT count(*) FILTER (WHERE level = %s), count(*),"
        " (SELECT reltuples FROM pg_class WHERE oid = %s::regclass) FROM pg_temp.asof_cell_fix"
        " WHERE shrunk AND attacks > 0",
        [finest, live_attacks],
    )
    shrunk, shrunk_any, attacks = cursor.fetchone()
    if shrunk > MAX_SHRUNK_CELLS and shrunk * SHRUNK_CELL_ATTACKS > attacks and not state["exact"]:
        # Each costs an index range over its cell's column of the map and a probe of the
        # table per coordinate in the cell (``_unchanged_bounds``).
        return False
    if not shrunk_any:
        # No bounds to read again (a few hundred attacks corrected from a near snapshot often
        # take no point off a bound): the keys, the statistics and the three updates below
        # cost ~10 ms of DDL and planning for nothing.
        cursor.execute(";\n".join(_summary_view(state, "strikes_attack_cell", "asof_cell_fix", cell_key)))
        return True
    statements = [
        # The corrected rows found by key below (the finer level's rows under a coarse cell).
        f"ALTER TABLE pg_temp.asof_cell_fix ADD PRIMARY KEY ({', '.join(cell_key)})",
        "ANALYZE pg_temp.asof_cell_fix",
        # The finest cells' bounds: the changed attacks' rows then in each cell, grouped once,
        # and today's unchanged rows (below).
        f"{_temp_table(state, 'asof_then_cells')} ON COMMIT DROP AS SELECT"
        f" {_summary.cell('longitude', str(finest))} AS gx, {_summary.cell('latitude', str(finest))} AS gy, status,"
        " coalesce(place_id, 0) AS place_id, coalesce(oblast_id, 0) AS oblast_id, min(longitude) AS min_lon,"
        " min(latitude) AS min_lat, max(longitude) AS max_lon, max(latitude) AS max_lat"
        f" FROM pg_temp.asof_attacks WHERE longitude IS NOT NULL AND {_COUNTED} GROUP BY 1, 2, 3, 4, 5",
        f"ALTER TABLE pg_temp.asof_then_cells ADD PRIMARY KEY ({', '.join(cell_key[1:])})",
        "ANALYZE pg_temp.asof_then_cells",
        "UPDATE pg_temp.asof_cell_fix k SET (min_lon, min_lat, max_lon, max_lat) = ("
        "  SELECT least(w.min_lon, t.min_lon), least(w.min_lat, t.min_lat), greatest(w.max_lon, t.max_lon),"
        "   greatest(w.max_lat, t.max_lat)"
        f"  FROM ({_unchanged_bounds(live_attacks, size)}) w LEFT JOIN pg_temp.asof_then_cells t"
        "   ON t.gx = k.gx AND t.gy = k.gy AND t.status = k.status AND t.place_id = k.place_id"
        "   AND t.oblast_id = k.oblast_id"
        f" ) WHERE k.level = {finest} AND k.shrunk AND k.attacks > 0",
    ]
    # A coarser cell's bounds from the finer level's rows of the snapshot under it (a fine cell
    # never straddles a coarse one, as the rebuild sums them): today's rows the changed attacks
    # left alone, and the corrected ones, whose bounds are exact by now (finest level first).
    # Each reads a few rows by key, where the attacks' index range over a coarse cell's column
    # read ~20,000 points at a million attacks.
    for level, finer in reversed(list(zip(_summary.LEVELS, _summary.LEVELS[1:], strict=False))):
        r = 2 ** (finer - level)
        under = (
            f"f.level = {finer} AND f.gx BETWEEN k.gx * {r} AND k.gx * {r} + {r - 1}"
            f" AND f.gy BETWEEN k.gy * {r} AND k.gy * {r} + {r - 1}"
            " AND f.status = k.status AND f.place_id = k.place_id AND f.oblast_id = k.oblast_id"
        )
        statements.append(
            "UPDATE pg_temp.asof_cell_fix k SET (min_lon, min_lat, max_lon, max_lat) = ("
            "  SELECT min(c.min_lon), min(c.min_lat), max(c.max_lon), max(c.max_lat) FROM ("
            f"   SELECT f.min_lon, f.min_lat, f.max_lon, f.max_lat FROM {base['strikes_attack_cell']} f"
            f"   WHERE {under} AND NOT EXISTS (SELECT 1 FROM pg_temp.asof_cell_fix x"
            f"    WHERE {' AND '.join(f'x.{c} = f.{c}' for c in cell_key)})"
            "   UNION ALL SELECT f.min_lon, f.min_lat, f.max_lon, f.max_lat FROM pg_temp.asof_cell_fix f"
            f"   WHERE {under} AND f.attacks > 0"
            "  ) c"
            f" ) WHERE k.level = {level} AND k.shrunk AND k.attacks > 0"
        )
    statements += _summary_view(state, "strikes_attack_cell", "asof_cell_fix", cell_key)
    cursor.execute(";\n".join(statements))  # one round trip
    return True


def _unchanged_bounds(live_attacks: str, size: str) -> str:
    """SQL: the bounds (min_lon, min_lat, max_lon, max_lat) of today's unchanged attacks in the
    finest cell ``k`` of its key (NULLs when none).

    The trigger's index range over the cell (a margin far above float rounding finds the
    candidates, floor() is the exact cell) reads only the index (coordinates, status, grade);
    the place, the oblast and whether the attack changed are then read from the table once per
    distinct coordinate, until one attack there qualifies. Where the generator piles ~100
    attacks of a cell on a few coordinates, reading every one from the table cost ~0.4 ms a
    cell."""
    return (
        "SELECT min(c.longitude) AS min_lon, min(c.latitude) AS min_lat, max(c.longitude) AS max_lon,"
        " max(c.latitude) AS max_lat"
        f" FROM (SELECT DISTINCT a.longitude, a.latitude FROM {live_attacks} a"
        f"  WHERE a.longitude BETWEEN k.gx * {size} - 1e-9 AND (k.gx + 1) * {size} + 1e-9"
        f"  AND a.latitude BETWEEN k.gy * {size} - 1e-9 AND (k.gy + 1) * {size} + 1e-9"
        f"  AND {_summary.cell('a.longitude', 'k.level')} = k.gx AND {_summary.cell('a.latitude', 'k.level')} = k.gy"
        f"  AND a.status = k.status AND a.{_COUNTED}) c"
        f" WHERE EXISTS (SELECT 1 FROM {live_attacks} b WHERE b.longitude = c.longitude AND b.latitude = c.latitude"
        "  AND b.status = k.status AND coalesce(b.place_id, 0) = k.place_id"
        f"  AND coalesce(b.oblast_id, 0) = k.oblast_id AND b.{_COUNTED}"
        "  AND b.id NOT IN (SELECT id FROM pg_temp.asof_changed))"
    )


# The changed rows' signed contributions (``keyed`` in ``_create_summaries``) to the attacks,
# killed and injured sums.
_SIGNED = ("sign", "sign * killed", "sign * injured")


def _fix_sums(
    state: dict, prefix: str, rows: str, summed: tuple[str, str, str], base: dict, table: str, fix: str, keys
) -> str:
    """SQL: the corrected rows of the per-day summary ``table`` (grouped by ``keys``) that the
    changed attacks fall in: today's sums plus the changed attacks' signed contributions, the
    three ``summed`` expressions over ``rows`` (after ``prefix``: a ``WITH`` and its tables).
    The contributions are kept too (``d_attacks``, ``d_killed``, ``d_injured``), so a coarser
    table's corrections can be grouped from these rows instead of the changed rows again."""
    columns = ", ".join(keys)
    picked = ", ".join(f"d.{k}" for k in keys)
    attacks, killed, injured = summed
    return (
        f"{_temp_table(state, fix)} ON COMMIT DROP AS {prefix}"
        f" delta AS (SELECT {columns}, sum({attacks}) AS attacks, sum({killed}) AS killed,"
        f"  sum({injured}) AS injured FROM {rows} GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))})"
        f" SELECT {picked}, (coalesce(s.attacks, 0) + d.attacks)::integer AS attacks,"
        "  (coalesce(s.killed, 0) + d.killed)::bigint AS killed,"
        "  (coalesce(s.injured, 0) + d.injured)::bigint AS injured,"
        "  d.attacks AS d_attacks, d.killed AS d_killed, d.injured AS d_injured"
        f" FROM delta d LEFT JOIN {base[table]} s USING ({columns})"
    )


def _summary_view(state: dict, name: str, fix: str, key: tuple[str, ...]) -> list[str]:
    """SQL: the summary table ``name`` as at the moment: today's rows the changed attacks leave
    alone, and the corrected ones in ``fix`` (a row left without attacks is gone, as the
    trigger deletes it)."""
    match = " AND ".join(f"f.{k} = s.{k}" for k in key)
    return [
        f"ANALYZE pg_temp.{fix}",
        f"{_temp_view(state, name)} AS SELECT s.* FROM {state['base'][name]} s"
        f" WHERE NOT EXISTS (SELECT 1 FROM pg_temp.{fix} f WHERE {match})"
        f" UNION ALL SELECT {', '.join(SUMMARY_COLUMNS[name])} FROM pg_temp.{fix} WHERE attacks <> 0",
    ]


# The summary tables' columns in their order (migration 0006), as the views above list them.
SUMMARY_COLUMNS = {
    "strikes_attack_daily": ("day", "status", "place_id", "oblast_id", "attacks", "killed", "injured"),
    "strikes_attack_daily_total": ("day", "status", "attacks", "killed", "injured"),
    "strikes_attack_cell": (
        "level",
        "gx",
        "gy",
        "status",
        "place_id",
        "oblast_id",
        "attacks",
        "killed",
        "injured",
        "sum_lon",
        "sum_lat",
        "min_lon",
        "min_lat",
        "max_lon",
        "max_lat",
    ),
}


def _touched_attacks(cursor, moment, live_figures: str, changed: bool) -> list[int]:
    """Attacks (existing at ``moment``) whose published figures may differ from today's: a claim
    or decision of theirs changed since (a claim moved between attacks counts for both), or
    their figure row was rewritten since.

    A figure row is rewritten only with its attack's ``updated_at`` moved (``figures_write``),
    so only the changed attacks' figure rows are looked at (by the (attack, category) key): the
    figures table has no index on its time, and scanning it was most of a detail's time at a
    million attacks. A figure row written without that (the benchmark's generator, triggers
    off, like an attack without history) is today's."""
    claim_events = apps.get_model("casualties", "ClaimEvent")._meta.db_table
    decision_events = apps.get_model("casualties", "DecisionEvent")._meta.db_table
    # Only the changed attacks there were then (rebuilt in pg_temp.asof_attacks) can have a figure
    # row to show: at a million attacks with 10,000 changed since, 446 of them (the others were
    # created since), probed by key instead of all 10,000 (96 ms).
    figures = (
        f" UNION SELECT attack_id FROM {live_figures}"
        " WHERE attack_id IN (SELECT id FROM pg_temp.asof_attacks) AND updated_at > %(t)s"
        if changed
        else ""
    )
    # Of those, the ones in the snapshot (the bare name: the snapshot's view, or today's table
    # when no attack changed since), in the same statement: the ids never travel to the client
    # and back. A probe by key each (``= ANY`` of the array, computed once): one statement
    # joining the view to the ids merged all million rows of it, 160 ms.
    cursor.execute(
        f"SELECT id FROM {Attack._meta.db_table} WHERE id = ANY(ARRAY("
        f"SELECT attack_id FROM {claim_events} WHERE pgh_obj_id IN"
        f" (SELECT pgh_obj_id FROM {claim_events} WHERE pgh_created_at > %(t)s)"
        f" UNION SELECT attack_id FROM {decision_events} WHERE pgh_obj_id IN"
        f" (SELECT pgh_obj_id FROM {decision_events} WHERE pgh_created_at > %(t)s){figures}"
        ")) ORDER BY id",
        {"t": moment},
    )
    return [row[0] for row in cursor.fetchall()]


def _rows_at(model, moment, attack_ids: list[int]) -> list:
    """Instances of ``model`` (Claim, Decision) as their history has them at ``moment``."""
    events = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    names = [f.attname for f in model._meta.concrete_fields]
    latest = (
        events.objects.filter(
            pgh_created_at__lte=moment,
            pgh_obj_id__in=events.objects.filter(attack_id__in=attack_ids).values("pgh_obj_id"),
        )
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_label", *names)
    )
    return [
        model(**{n: row[n] for n in names})
        for row in latest
        if row["pgh_label"] != "delete" and row["attack_id"] in attack_ids
    ]


def _insert_derived(cursor, state: dict, moment, attack_ids: list[int], live_figures: str) -> None:
    """The published figures of ``attack_ids`` at ``moment``, derived from the claims and
    decisions then, into ``pg_temp.asof_figures``."""
    cursor.execute(f"{_temp_table(state, 'asof_figures')} (LIKE {live_figures}) ON COMMIT DROP")
    wanted = set(attack_ids)
    claims = [c for c in _rows_at(Claim, moment, attack_ids) if c.attack_id in wanted]
    articles = (
        Article.objects.select_related("outlet")
        .only("id", "outlet__grade")
        .in_bulk({c.article_id for c in claims if c.article_id})
    )
    by_attack = defaultdict(list)
    for claim in claims:
        claim.article = articles.get(claim.article_id) if claim.article_id else None
        by_attack[claim.attack_id].append(claim)
    decisions = defaultdict(dict)
    for decision in _rows_at(Decision, moment, attack_ids):
        if decision.is_current and decision.attack_id in wanted:
            decisions[decision.attack_id][decision.category] = decision
    rows = []
    for attack_id in attack_ids:
        for category, values in figures_derive(by_attack[attack_id], decisions[attack_id]).items():
            rows.append((attack_id, category, values))
    if not rows:
        return
    # One batch, not a round trip per figure (psycopg sends them pipelined).
    cursor.executemany(
        "INSERT INTO pg_temp.asof_figures (id, attack_id, category, status, best, low, high, claim_ids,"
        " conservative, range_low, range_high, decision_id, conflict, severity, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            [
                -number,  # not a live row's id
                attack_id,
                category,
                values["status"],
                values["best"],
                values["low"],
                values["high"],
                list(values["claim_ids"]),
                values["conservative"],
                values["range_low"],
                values["range_high"],
                values["decision_id"],
                None if values["conflict"] is None else Jsonb(values["conflict"]),
                values["severity"],
                moment,
            ]
            for number, (attack_id, category, values) in enumerate(rows, start=1)
        ],
    )
