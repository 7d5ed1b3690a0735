# ruff: noqa: S608 -- SQL here is built only from the fixed table and column names below, never from input.
"""Bulk loader for synthetic data: ``bench.synth`` records -> PostgreSQL through COPY.

How it stays fast (one million attacks, ~12 million rows, in minutes on two cores):
- One transaction. Inside it the secondary indexes, unique and foreign-key constraints of
  the bulk tables are dropped (definitions kept from the catalogue), rows arrive by COPY,
  and everything is re-created at the end: a sorted index build and one anti-join per
  foreign key are far cheaper than millions of per-row index inserts and FK checks. The
  constraints are re-validated when re-added, so the data ends up exactly as constrained as
  with row-by-row inserts; if anything fails, the whole transaction (DDL included) rolls back.
- The pghistory triggers on Attack, Claim and Decision are disabled for the load (inside the
  same transaction, so they come back even on failure). That is acceptable here and only
  here: synthetic rows have no human author and no earlier state, so their history would
  be a million "inserted by nobody" events that tell nothing and would double the data.
  Edits made later through the services are tracked as usual.
- Python builds the next chunk while PostgreSQL ingests the previous one (a writer thread;
  psycopg releases the GIL while it waits), so both cores work.
- The map/timeline summary triggers (migration 0006) are disabled for the load too, and the
  summary is rebuilt from the attacks in one pass at the end (one GROUP BY instead of an
  upsert per chunk); the rebuild is in the same transaction, so the summary is never stale.
- The stored export lines' triggers (migration 0011) are disabled likewise, and every line is
  rebuilt in one statement at the end, in the same transaction; so are the full-text postings
  (migration 0012, 38 million rows at a million attacks).
- Those derived tables are refilled without their indexes (primary keys included), which are
  built once afterwards by a sort: maintaining the postings' two indexes row by row was ~30 %
  of their rebuild. The rebuilds run with a larger ``work_mem`` (the export lines' aggregates
  and joins spilled to disk at 4 MB), a setting of this transaction only.
- ``search_vector`` is computed by PostgreSQL's ``to_tsvector`` in the INSERT ... SELECT
  from a temporary staging table, never by a second UPDATE pass over a million rows.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from bench import synth
from casualties import grades, reconcile

# Tables the generator fills; their secondary indexes and constraints are rebuilt after the load.
BULK_TABLES = [
    "strikes_attack",
    "strikes_attackmunition",
    "sources_article",
    "casualties_claim",
    "casualties_decision",
    "casualties_decision_claims",
    "casualties_publishedfigure",
]
ALL_TABLES = [*BULK_TABLES, "strikes_wave", "strikes_wavemunition", "strikes_wavemunition_munitions"]
HISTORY_TABLES = ["strikes_attack", "casualties_claim", "casualties_decision"]

# Must give the same vector as strikes.services.attack_search_refresh: description, then
# article titles, then article texts, in PostgreSQL's English configuration.
SEARCH_SQL = (
    "setweight(to_tsvector('english', coalesce(description, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(_titles, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(_texts, '')), 'C')"
)

ATTACK_COLS = [
    "id", "created_at", "updated_at", "occurred_at", "time_precision", "latitude", "longitude",
    "geo_precision", "target_type", "description", "status", "retraction_reason", "external_source",
    "external_id", "killed_best", "injured_best", "disputed", "grade", "place_id", "wave_id",
]  # fmt: skip
ARTICLE_COLS = [
    "id", "created_at", "updated_at", "url", "canonical_url", "final_url", "title", "published_at",
    "language", "text", "content_hash", "origin", "status", "error", "attempts", "lease_lapses", "raw_content_type",
    "http_status", "fetched_at", "link_score", "link_explanation", "review_state", "attack_id", "outlet_id",
]  # fmt: skip
CLAIM_COLS = [
    "id", "created_at", "updated_at", "source_label", "category", "value", "low", "high", "qualifier",
    "quote", "quote_start", "quote_end", "reported_at", "origin", "rank", "rank_reason", "article_id",
    "attack_id", "pending_review",
]  # fmt: skip
DECISION_COLS = [
    "id", "created_at", "updated_at", "category", "version", "is_current", "best", "low", "high",
    "claim_ranks", "rationale", "source_label", "attack_id",
]  # fmt: skip
FIGURE_COLS = [
    "id", "category", "status", "best", "low", "high", "claim_ids", "conservative", "range_low", "range_high",
    "conflict", "severity", "updated_at", "attack_id", "decision_id",
]  # fmt: skip

N = "\\N"
_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def esc(value: str) -> str:
    """A text value for COPY's text format (the common case, nothing to escape, checked cheaply first)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESC)
    return value


def ts(dt: datetime) -> str:
    return dt.isoformat()


def opt(value) -> str:
    return N if value is None else str(value)


class GenerateError(Exception):
    """The database is not fit for synthetic data (no reference data, or real attacks in it)."""


@dataclass
class Result:
    attacks: int = 0
    articles: int = 0
    claims: int = 0
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def count_real_attacks(cur) -> int:
    """Attacks not made by this generator (their description lacks the synthetic marker)."""
    cur.execute("SELECT count(*) FROM strikes_attack WHERE description NOT LIKE %s", [synth.MARKER + "%"])
    return cur.fetchone()[0]


def reset(conn: psycopg.Connection) -> None:
    """Empty every table the generator fills (and their history), for a fresh run."""
    with conn.cursor() as cur:
        cur.execute(
            "TRUNCATE strikes_attack, strikes_attackmunition, sources_article, casualties_claim,"
            " casualties_decision, casualties_decision_claims, casualties_publishedfigure,"
            " strikes_wave, strikes_wavemunition, strikes_wavemunition_munitions,"
            " strikes_attackevent, casualties_claimevent, casualties_decisionevent CASCADE"
        )
    conn.commit()


def load_reference(cur) -> tuple[list[synth.PlaceRef], list[synth.MunitionRef]]:
    cur.execute(
        "SELECT p.id, p.name, p.kind, p.oblast_id, coalesce(o.name, ''), p.latitude, p.longitude,"
        " coalesce(p.population, 0) FROM strikes_place p LEFT JOIN strikes_place o ON o.id = p.oblast_id"
        " WHERE p.kind IN ('oblast', 'city', 'district') ORDER BY p.id"
    )
    places = [synth.PlaceRef(*row) for row in cur.fetchall()]
    for p in places:
        if p.kind == "oblast" and not p.oblast_name:
            p.oblast_name = p.name
    cur.execute("SELECT id, name, category, is_generic FROM strikes_munition ORDER BY id")
    munitions = [synth.MunitionRef(*row) for row in cur.fetchall()]
    return places, munitions


def outlet_ids(cur, now: datetime) -> list[int]:
    ids = []
    for name, domain, grade in synth.OUTLETS:
        cur.execute(
            "INSERT INTO sources_outlet (created_at, updated_at, name, domain, grade, country)"
            " VALUES (%s, %s, %s, %s, %s, 'Ukraine') ON CONFLICT DO NOTHING",
            [now, now, name, domain, grade],
        )
        cur.execute("SELECT id FROM sources_outlet WHERE name = %s", [name])
        ids.append(cur.fetchone()[0])
    return ids


def next_id(cur, table: str) -> int:
    cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cur.fetchone()[0]


def drop_secondary(cur) -> list[str]:
    """Drop FKs, unique constraints and non-primary indexes of the bulk tables; return the DDL to restore them."""
    restore_constraints, restore_indexes = [], []
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
        " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC",
        [BULK_TABLES],
    )
    constraints = cur.fetchall()
    for table, name, definition, _ in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore_constraints.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [BULK_TABLES],
    )
    for name, definition in cur.fetchall():
        cur.execute(f"DROP INDEX {name}")
        restore_indexes.append(definition)
    # Indexes first (unique ones validate the data), then unique constraints, then foreign keys
    # (which need the referenced unique indexes).
    uniques = [c for c, row in zip(restore_constraints, constraints, strict=True) if row[3] == "u"]
    fks = [c for c, row in zip(restore_constraints, constraints, strict=True) if row[3] == "f"]
    return restore_indexes + uniques + fks


def drop_indexes(cur, tables: list[str]) -> list[str]:
    """Drop every index of ``tables`` (primary keys and unique constraints included) before they
    are refilled; return the DDL that builds them again, as they were.

    Only for tables nothing references (derived tables): a foreign key on one of these keys
    would make the DROP fail, and the transaction with it, rather than lose the key."""
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('p', 'u') ORDER BY 1, 2",
        [tables],
    )
    restore = []
    for table, name, definition in cur.fetchall():
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(%s::regclass[]) ORDER BY 1",
        [tables],
    )
    for name, definition in cur.fetchall():
        cur.execute(f"DROP INDEX {name}")
        restore.append(definition)
    return restore


def history_triggers(cur) -> list[tuple[str, str]]:
    cur.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        " AND tgname LIKE 'pgtrigger%%' AND tgrelid = ANY(%s::regclass[])",
        [HISTORY_TABLES],
    )
    return cur.fetchall()


SUMMARY_TABLES = ["strikes_attack_daily", "strikes_attack_daily_total", "strikes_attack_cell"]
# The tables each derived-table rebuild function refills (from TRUNCATE, by plain INSERTs).
REBUILT_TABLES = {
    "strikes_attack_summary_rebuild": SUMMARY_TABLES,
    "strikes_attackexport_rebuild": ["strikes_attackexport"],
    "strikes_attack_term_rebuild": ["strikes_attack_term"],
}


def summary_triggers(cur) -> list[tuple[str, str]]:
    """The triggers keeping the map/timeline summary (migration 0006), when it exists."""
    cur.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        " AND tgname LIKE 'strikes\\_attack\\_summary\\_%' AND tgrelid = 'strikes_attack'::regclass"
    )
    return cur.fetchall()


def export_triggers(cur) -> list[tuple[str, str]]:
    """The triggers noting attacks whose stored export lines change (migration 0011), on the
    tables the generator fills, when they exist."""
    cur.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        " AND tgname LIKE 'strikes\\_attackexport\\_mark\\_%%' AND tgrelid = ANY(%s::regclass[])",
        [BULK_TABLES],
    )
    return cur.fetchall()


def term_triggers(cur) -> list[tuple[str, str]]:
    """The triggers keeping the full-text postings (migration 0012, ``strikes.search``) when they
    exist: off during the load, the postings rebuilt in one pass after it."""
    cur.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        " AND tgname LIKE 'strikes\\_attack\\_term\\_%%' AND tgrelid = 'strikes_attack'::regclass"
    )
    return cur.fetchall()


class Writer(threading.Thread):
    """Runs COPYs for chunks handed over by the generating thread."""

    def __init__(self, conn: psycopg.Connection):
        super().__init__(daemon=True)
        self.conn = conn
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.conn.cursor() as cur:
                while True:
                    chunk = self.queue.get()
                    if chunk is None:
                        return
                    self.write(cur, chunk)
        except BaseException as exc:  # handed back to the main thread
            self.error = exc
            while self.queue.get() is not None:  # unblock the producer
                pass

    @staticmethod
    def copy(cur, table: str, cols: list[str], lines: list[str]) -> None:
        if not lines:
            return
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for i in range(0, len(lines), 5000):
                cp.write("".join(lines[i : i + 5000]))

    def write(self, cur, chunk: dict) -> None:
        self.copy(cur, "_gen_attack", [*ATTACK_COLS, "_titles", "_texts"], chunk["attack"])
        cols = ", ".join(ATTACK_COLS)
        cur.execute(f"INSERT INTO strikes_attack ({cols}, search_vector) SELECT {cols}, {SEARCH_SQL} FROM _gen_attack")
        cur.execute("TRUNCATE _gen_attack")
        self.copy(cur, "strikes_attackmunition", ["id", "count", "quote", "attack_id", "munition_id"], chunk["am"])
        self.copy(cur, "sources_article", ARTICLE_COLS, chunk["article"])
        self.copy(cur, "casualties_claim", CLAIM_COLS, chunk["claim"])
        self.copy(cur, "casualties_decision", DECISION_COLS, chunk["decision"])
        self.copy(cur, "casualties_decision_claims", ["id", "decision_id", "claim_id"], chunk["decision_claim"])
        self.copy(cur, "casualties_publishedfigure", FIGURE_COLS, chunk["figure"])


def generate(
    conninfo: dict, *, attacks: int, seed: int = 1, chunk_size: int = 20000, progress=None, force: bool = False
) -> Result:
    """Generate ``attacks`` synthetic attacks (with waves, articles, claims, decisions, figures)."""
    say = progress or (lambda msg: None)
    started = time.monotonic()
    now = datetime.now(UTC)
    conn = psycopg.connect(**conninfo, autocommit=False)
    result = Result()
    try:
        with conn.cursor() as cur:
            real = count_real_attacks(cur)
            if real and not force:
                raise GenerateError(
                    f"the database holds {real} attacks that were not generated; refusing to mix synthetic"
                    " data with them (use a separate database, or --force)"
                )
            places, munitions = load_reference(cur)
            if not any(p.kind == "oblast" for p in places) or not munitions:
                raise GenerateError("no reference data (places and munitions): run `manage.py load_reference`")
            outlets = outlet_ids(cur, now)
            say(f"reference: {len(places)} places, {len(munitions)} munitions")
            gen = synth.Synth(places, munitions, seed=seed, n_attacks=attacks)

            cur.execute(f"LOCK TABLE {', '.join(ALL_TABLES)} IN ACCESS EXCLUSIVE MODE")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL synchronous_commit = off")
            triggers = history_triggers(cur)
            summary = summary_triggers(cur)
            exports = export_triggers(cur)
            terms = term_triggers(cur)
            for table, name in triggers + summary + exports + terms:
                cur.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
            restore = drop_secondary(cur)
            cur.execute(
                "CREATE TEMP TABLE _gen_attack (LIKE strikes_attack INCLUDING DEFAULTS) ON COMMIT DROP;"
                " ALTER TABLE _gen_attack ADD COLUMN _titles text, ADD COLUMN _texts text"
            )
            wave_ids = write_waves(cur, gen, now)
            ids = {t: next_id(cur, t) for t in BULK_TABLES}
            say(f"dropped {len(restore)} indexes/constraints; generating {attacks} attacks")

        writer = Writer(conn)
        writer.start()
        chunk = new_chunk()
        n_chunk = 0
        t_last = time.monotonic()
        for rec in gen.attacks():
            add_attack(chunk, rec, gen, ids, wave_ids, outlets, now, result)
            n_chunk += 1
            if n_chunk == chunk_size:
                put(writer, chunk)
                chunk, n_chunk = new_chunk(), 0
                if time.monotonic() - t_last > 10:
                    t_last = time.monotonic()
                    say(f"  {result.attacks} attacks, {result.rows / (t_last - started):,.0f} rows/s")
        if n_chunk:
            put(writer, chunk)
        put(writer, None)
        writer.join()
        if writer.error:
            raise writer.error

        with conn.cursor() as cur:
            t0 = time.monotonic()
            say(f"loaded in {t0 - started:.0f}s; rebuilding {len(restore)} indexes and constraints")
            for ddl in restore:
                cur.execute(ddl)
            for table, name in triggers:
                cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
            # The derived tables, each rebuilt in one pass in the same transaction (never stale),
            # then its triggers back on: map/timeline summary, export lines (strikes.api.export_lines),
            # full-text postings (strikes.search).
            rebuilds = (
                ("strikes_attack_summary_rebuild", summary, "map/timeline summary"),
                ("strikes_attackexport_rebuild", exports, "export lines"),
                ("strikes_attack_term_rebuild", terms, "full-text postings"),
            )
            # Aggregates and joins over every attack: in memory rather than spilled to disk.
            cur.execute("SET LOCAL work_mem = '256MB'")
            for function, kept_by, what in rebuilds:
                if not kept_by:
                    continue
                t1 = time.monotonic()
                rebuilt = drop_indexes(cur, REBUILT_TABLES[function])
                cur.execute(f"SELECT {function}()")
                t2 = time.monotonic()
                for ddl in rebuilt:
                    cur.execute(ddl)
                for table, name in kept_by:
                    cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
                say(
                    f"{what} rebuilt in {time.monotonic() - t1:.0f}s"
                    f" (rows {t2 - t1:.0f}s, {len(rebuilt)} indexes {time.monotonic() - t2:.0f}s)"
                )
            for table in ALL_TABLES:
                seq = f"pg_get_serial_sequence('{table}', 'id')"
                cur.execute(f"SELECT setval({seq}, (SELECT coalesce(max(id), 1) FROM {table}))")
            say(f"indexes and constraints rebuilt in {time.monotonic() - t0:.0f}s")
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:
            t0 = time.monotonic()
            # The derived tables too: the postings were analysed last when empty (by the
            # migration), and autovacuum would otherwise do this work during the first
            # measurements; their visibility map makes the postings walk index-only.
            derived = [t for function, kept_by, _ in rebuilds if kept_by for t in REBUILT_TABLES[function]]
            for table in ALL_TABLES + derived:
                cur.execute(f"VACUUM ANALYZE {table}")
            say(f"vacuum analyze in {time.monotonic() - t0:.0f}s")
    finally:
        conn.close()
    result.seconds = time.monotonic() - started
    return result


def put(writer: Writer, chunk) -> None:
    while True:
        if writer.error:
            raise writer.error
        try:
            writer.queue.put(chunk, timeout=1)
            return
        except queue.Full:
            continue


def new_chunk() -> dict:
    return {k: [] for k in ("attack", "am", "article", "claim", "decision", "decision_claim", "figure")}


def write_waves(cur, gen: synth.Synth, now: datetime) -> list[int | None]:
    """Insert one wave per night that had strikes (reusing synthetic waves of earlier runs)."""
    cur.execute("SELECT started_at, id FROM strikes_wave WHERE description LIKE %s", [synth.MARKER + "%"])
    existing = dict(cur.fetchall())
    wave_id = next_id(cur, "strikes_wave")
    wm_id = next_id(cur, "strikes_wavemunition")
    wmm_id = next_id(cur, "strikes_wavemunition_munitions")
    waves, counts, links, ids = [], [], [], []
    for d, w in enumerate(gen.waves):
        if w.started_at in existing:
            ids.append(existing[w.started_at])
            continue
        if not gen.per_day[d] and not w.counts:
            ids.append(None)
            continue
        ids.append(wave_id)
        waves.append(
            f"{wave_id}\t{ts(now)}\t{ts(now)}\t{ts(w.started_at)}\t{ts(w.ended_at)}\t"
            f"{synth.MARKER} Combined overnight attack\tSynthetic Air Force report\t\t\tf\n"
        )
        for label, m, launched, intercepted in w.counts:
            counts.append(f"{wm_id}\t{esc(label)}\t{launched}\t{intercepted}\t{{}}\t{wave_id}\n")
            links.append(f"{wmm_id}\t{wm_id}\t{m.id}\n")
            wm_id += 1
            wmm_id += 1
        wave_id += 1
    cols = ["id", "created_at", "updated_at", "started_at", "ended_at", "description", "source"]
    Writer.copy(cur, "strikes_wave", [*cols, "external_source", "external_id", "is_draft"], waves)
    Writer.copy(cur, "strikes_wavemunition", ["id", "label", "launched", "intercepted", "details", "wave_id"], counts)
    Writer.copy(cur, "strikes_wavemunition_munitions", ["id", "wavemunition_id", "munition_id"], links)
    return ids


RATIONALE = "Figure from the official statement preferred over the early media report."


def add_attack(chunk, rec: synth.AttackRec, gen, ids, wave_ids, outlets, now, result: Result) -> None:
    """Turn one synthetic attack into COPY lines for every table it touches.

    Published figures come from ``casualties.reconcile.reconcile`` (the same pure function
    ``figures_refresh`` uses), so the stored figures and the denormalised toll on Attack are
    exactly what the services would have written.
    """
    attack_id = ids["strikes_attack"]
    ids["strikes_attack"] += 1
    created = rec.articles[0].published_at
    updated = rec.articles[-1].published_at
    wave_id = wave_ids[rec.wave_index] if rec.wave_index is not None else None
    for m in rec.munitions:
        chunk["am"].append(f"{ids['strikes_attackmunition']}\t\\N\t\t{attack_id}\t{m.id}\n")
        ids["strikes_attackmunition"] += 1
    facts: dict[str, list[reconcile.ClaimFacts]] = {}
    for a in rec.articles:
        article_id = ids["sources_article"]
        ids["sources_article"] += 1
        domain, grade = synth.OUTLETS[a.outlet_index][1:]
        url = f"https://{domain}/{a.published_at:%Y/%m/%d}/strike-{article_id}"
        # Hashed with its URL: template texts repeat across different strikes by design, and two
        # different reports must not look like duplicates of one another.
        digest = hashlib.sha256(f"{url}\n{a.text}".encode()).hexdigest()
        pub = ts(a.published_at)
        chunk["article"].append(
            f"{article_id}\t{pub}\t{pub}\t{url}\t{url}\t{url}\t{esc(a.title)}\t{pub}\ten\t{esc(a.text)}\t{digest}\t"
            f"feed\textracted\t\t1\t0\ttext/html\t200\t{pub}\t0.9\tSynthetic link\tconfirmed\t{attack_id}\t"
            f"{outlets[a.outlet_index]}\n"
        )
        for c in a.claims:
            claim_id = ids["casualties_claim"]
            ids["casualties_claim"] += 1
            facts.setdefault(c.category, []).append(
                reconcile.ClaimFacts(
                    id=claim_id,
                    value=c.value,
                    qualifier=c.qualifier,
                    low=c.low,
                    high=c.high,
                    reported_at=c.reported_at,
                    grade=grade,
                    source_key=str(outlets[a.outlet_index]),
                )
            )
            chunk["claim"].append(
                f"{claim_id}\t{pub}\t{pub}\t\t{c.category}\t{c.value}\t{c.low}\t{opt(c.high)}\t{c.qualifier}\t"
                f"{esc(c.quote)}\t{c.quote_start}\t{c.quote_end}\t{ts(c.reported_at)}\textracted\tnormal\t\t"
                f"{article_id}\t{attack_id}\tf\n"
            )
        result.articles += 1
        result.claims += len(a.claims)
    shown = {}
    for category in sorted(facts):
        decision = None
        if category in rec.decisions:
            best, low, high = rec.decisions[category]
            decision_id = ids["casualties_decision"]
            ids["casualties_decision"] += 1
            decision = reconcile.DecisionFacts(id=decision_id, version=1, best=best, low=low, high=high)
            chunk["decision"].append(
                f"{decision_id}\t{ts(updated)}\t{ts(updated)}\t{category}\t1\tt\t{best}\t{low}\t{opt(high)}\t{{}}\t"
                f"{RATIONALE}\t\t{attack_id}\n"
            )
            for claim in facts[category]:
                chunk["decision_claim"].append(f"{ids['casualties_decision_claims']}\t{decision_id}\t{claim.id}\n")
                ids["casualties_decision_claims"] += 1
        figure = reconcile.reconcile(facts[category], category, decision)
        if figure.status is None:
            continue
        shown[category] = figure
        conflict = esc(json.dumps(figure.conflict.to_dict())) if figure.conflict else N
        ids_literal = "{" + ",".join(map(str, figure.claim_ids)) + "}"
        chunk["figure"].append(
            f"{ids['casualties_publishedfigure']}\t{category}\t{figure.status}\t{opt(figure.best)}\t{opt(figure.low)}\t"
            f"{opt(figure.high)}\t{ids_literal}\t{opt(figure.conservative)}\t{opt(figure.range_low)}\t"
            f"{opt(figure.range_high)}\t{conflict}\t{figure.severity}\t{ts(now)}\t{attack_id}\t"
            f"{opt(figure.decision_id)}\n"
        )
        ids["casualties_publishedfigure"] += 1
    killed = shown["killed"].best if "killed" in shown else None
    injured = shown["injured"].best if "injured" in shown else None
    disputed = any(f.status == reconcile.DISPUTED for f in shown.values())
    # The grade casualties.services.grades would store: one source per outlet, grade-A outlets
    # official; synthetic articles all agree with their attack on place and date.
    graded = grades.grade_of(
        (
            grades.Source(f"outlet:{a.outlet_index}", official=synth.OUTLETS[a.outlet_index][2] == "A")
            for a in rec.articles
        ),
        figures_disputed=disputed,
    )
    titles = " ".join(a.title for a in rec.articles)
    texts = " ".join(a.text for a in rec.articles)
    chunk["attack"].append(
        f"{attack_id}\t{ts(created)}\t{ts(updated)}\t{ts(rec.occurred_at)}\t{rec.time_precision}\t"
        f"{rec.latitude}\t{rec.longitude}\t{rec.geo_precision}\t{rec.target_type}\t{esc(rec.description)}\t"
        f"{rec.status}\t{rec.retraction_reason}\t\t\t{opt(killed)}\t{opt(injured)}\t{'t' if disputed else 'f'}\t"
        f"{graded.grade}\t{rec.place.id}\t{opt(wave_id)}\t{esc(titles)}\t{esc(texts)}\n"
    )
    result.attacks += 1
    result.rows += 1 + len(rec.munitions) + len(rec.articles) + sum(len(a.claims) for a in rec.articles)
    result.rows += len(shown) + len(rec.decisions)
