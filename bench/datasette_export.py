# ruff: noqa: S608 -- fixed statements; values go through placeholders.
"""Export the published attacks of the scale database to SQLite, as a Datasette user would publish them.

One wide ``attacks`` table (place and oblast names inline, munitions as text, the published
toll, the evidence grade), the ``attack_munitions`` link table, ``munitions`` and ``places``; the indexes a
Datasette user adds for the filters they offer (date, oblast + date, grade + date, munition,
coordinates);
and a full-text table over the description and the sources' titles and texts in the layout
``sqlite-utils enable-fts`` makes (``attacks_fts``, external content), so Datasette's
``_search=`` works.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import psycopg

SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, oblast_id INTEGER);
CREATE TABLE munitions (id INTEGER PRIMARY KEY, name TEXT, category TEXT, origin_country TEXT);
CREATE TABLE attacks (
    id INTEGER PRIMARY KEY, occurred_at TEXT, time_precision TEXT, place_id INTEGER REFERENCES places(id),
    place TEXT, oblast_id INTEGER REFERENCES places(id), oblast TEXT, latitude REAL, longitude REAL,
    geo_precision INTEGER, target_type TEXT, description TEXT, killed_best INTEGER, injured_best INTEGER,
    disputed INTEGER, munitions TEXT, sources_text TEXT, grade TEXT
);
CREATE TABLE attack_munitions (
    attack_id INTEGER REFERENCES attacks(id), munition_id INTEGER REFERENCES munitions(id),
    PRIMARY KEY (attack_id, munition_id)
) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX attacks_occurred_at ON attacks(occurred_at);
CREATE INDEX attacks_oblast_occurred ON attacks(oblast_id, occurred_at);
CREATE INDEX attacks_lon_lat ON attacks(longitude, latitude);
CREATE INDEX attacks_grade_occurred ON attacks(grade, occurred_at);
CREATE INDEX attack_munitions_munition ON attack_munitions(munition_id, attack_id);
-- content=[attacks], bracketed as sqlite-utils writes it: Datasette finds a table's FTS table by that
-- text, and with content=attacks it found none and ignored _search (the full-text cases ran unsearched).
CREATE VIRTUAL TABLE attacks_fts USING fts5(description, sources_text, content=[attacks], content_rowid=[id]);
INSERT INTO attacks_fts (attacks_fts) VALUES ('rebuild');
ANALYZE;
"""

# Part of the fingerprint: an export made with an older layout is made again.
SCHEMA_VERSION = 3  # 2: the evidence grade, with an index for grade + date; 3: FTS Datasette detects

ATTACKS_SQL = """
SELECT a.id, to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), a.time_precision,
       a.place_id, p.name, p.oblast_id, o.name, a.latitude, a.longitude, a.geo_precision, a.target_type,
       a.description, a.killed_best, a.injured_best, a.disputed::int,
       (SELECT string_agg(m.name, '; ' ORDER BY m.name) FROM strikes_attackmunition am
          JOIN strikes_munition m ON m.id = am.munition_id WHERE am.attack_id = a.id),
       (SELECT string_agg(ar.title || ' ' || ar.text, ' ') FROM sources_article ar WHERE ar.attack_id = a.id),
       a.grade
FROM strikes_attack a
LEFT JOIN strikes_place p ON p.id = a.place_id
LEFT JOIN strikes_place o ON o.id = p.oblast_id
WHERE a.status = 'published'
ORDER BY a.id
"""


def fingerprint(conninfo: str) -> str:
    """What the export was made from: changes whenever the generated data does."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "SELECT count(*), coalesce(max(id), 0), coalesce(sum(killed_best), 0) FROM strikes_attack"
            " WHERE status = 'published'"
        ).fetchone()
    return "-".join(map(str, (SCHEMA_VERSION, *row)))


def export(conninfo: str, path: Path, progress=print) -> dict:
    """(Re)build ``path`` from the PostgreSQL database; returns timings. Reuses a current export."""
    stamp = fingerprint(conninfo)
    if path.exists():
        try:
            with sqlite3.connect(path) as db:
                if db.execute("SELECT value FROM _export WHERE key = 'fingerprint'").fetchone() == (stamp,):
                    progress(f"SQLite export {path} is current")
                    return {"reused": True}
        except sqlite3.Error:
            pass
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -500000;")
    db.executescript(SCHEMA)
    with psycopg.connect(conninfo) as conn:
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?)",
            conn.execute("SELECT id, name, kind, oblast_id FROM strikes_place").fetchall(),
        )
        db.executemany(
            "INSERT INTO munitions VALUES (?, ?, ?, ?)",
            conn.execute("SELECT id, name, category, origin_country FROM strikes_munition").fetchall(),
        )
        with conn.cursor(name="export") as cur:
            cur.itersize = 20000
            cur.execute(ATTACKS_SQL)
            while rows := cur.fetchmany(20000):
                db.executemany(f"INSERT INTO attacks VALUES ({', '.join('?' * 18)})", rows)
        with conn.cursor(name="export_am") as cur:
            cur.execute(
                "SELECT am.attack_id, am.munition_id FROM strikes_attackmunition am"
                " JOIN strikes_attack a ON a.id = am.attack_id WHERE a.status = 'published' ORDER BY 1, 2"
            )
            while rows := cur.fetchmany(50000):
                db.executemany("INSERT INTO attack_munitions VALUES (?, ?)", rows)
    db.commit()
    loaded = time.monotonic()
    progress(f"SQLite rows copied in {loaded - started:.0f}s; indexing and full-text")
    db.executescript(INDEXES)
    db.execute("ANALYZE")
    db.execute("CREATE TABLE _export (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO _export VALUES ('fingerprint', ?)", [stamp])
    db.commit()
    db.close()
    done = time.monotonic()
    return {"reused": False, "copy_s": loaded - started, "index_s": done - loaded, "bytes": path.stat().st_size}
