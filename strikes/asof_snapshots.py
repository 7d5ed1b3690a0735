# ruff: noqa: S608 -- SQL is built from module constants and table names; values are placeholders.
"""Stored snapshots of the map and timeline summaries at past moments, for ``as_of``.

An ``as_of`` timeline or map starts from the stored snapshot nearest its moment, when one is
nearer than today's tables, and corrects it by the attacks whose state differs between the two
moments (``strikes.api.asof._choose_base``). With none (or none nearer), it corrects today's
tables as before: a missing, pruned or deleted snapshot makes an answer slower, never different.

How they are kept:

- Taken by ``snapshot_take()``: from the ``manage.py asof_snapshot`` command (one moment, or
  every few hours back to a date: the back-fill after a bulk load) or the Celery task
  ``strikes.tasks.asof_snapshot_take`` (beat: the moment ``LAG`` ago, then pruned to the newest
  ``ASOF_SNAPSHOT_KEEP``). A snapshot is the ``as_of`` summaries at its moment, computed by the
  same code the API runs (corrected from the nearest snapshot already stored, or from today's
  tables), so it equals what the API would compute.
- Kept right by the database (migration 0016): a write that changes what ``as_of`` computes for
  a stored moment deletes the snapshots from that moment on.
- Cost: one copy of the three summary tables each (at a million attacks ~936,000 rows: the live
  tables are 124 MB per day and place, 88 MB per cell), so ~0.2 GB a snapshot: keep few; taking
  one copies them (12-37 s at a million on the shared 2-core machine).
"""

import datetime as dt
import time

from django.db import connection, transaction

from strikes.api import asof

# A snapshot's moment is at least this long before it is taken, and the writes it waits for
# are those in progress then (``snapshot_take``): equal to migration 0016's LAG.
LAG = dt.timedelta(minutes=5)


class SnapshotBusy(Exception):
    """Transactions in progress when a snapshot was to be taken did not end in time."""


def _wait_for_writers(cursor, wait_seconds: float) -> None:
    """Until every transaction of this database in progress now has ended: a write whose times
    are recent (the stale trigger leaves it) must be in the snapshot's view of the data."""
    # (Those of another database on the server read nothing here: left out when the server says
    # whose they are; one it does not show is waited for.)
    cursor.execute(
        "SELECT array_agg(x::text) FROM pg_snapshot_xip(pg_current_snapshot()) x WHERE NOT EXISTS"
        " (SELECT 1 FROM pg_stat_activity s WHERE s.backend_xid = x::xid AND s.datname <> current_database())"
    )
    xids = cursor.fetchone()[0] or []
    deadline = time.monotonic() + wait_seconds
    while xids:
        cursor.execute(
            "SELECT array_agg(x::text) FROM unnest(%s::xid8[]) x WHERE pg_xact_status(x) = 'in progress'", [xids]
        )
        xids = cursor.fetchone()[0] or []
        if xids and time.monotonic() > deadline:
            raise SnapshotBusy(f"{len(xids)} transactions still in progress after {wait_seconds:.0f} s")
        if xids:
            time.sleep(0.2)


def snapshot_take(*, at: dt.datetime | None = None, wait_seconds: float = 60.0, lag: dt.timedelta = LAG) -> int:
    """Store the summary tables as ``as_of`` reads them at ``at`` (default: ``lag`` ago, by
    the database's clock; never later) and return the snapshot's id (the existing one when
    that moment is already stored). ``lag`` below ``LAG`` only where no write can run
    meanwhile (tests): the stale trigger leaves writes within ``LAG`` of their time.

    The moment is fixed first, then the transactions writing at that point are waited for, then
    the snapshot is computed in one REPEATABLE READ transaction holding the snapshot table's
    SHARE lock: a write the stale trigger leaves (all its times within ``LAG`` of when it ran)
    ran before the moment was fixed plus ``LAG``, so it is committed and seen; one it does
    not leave either committed before (seen) or deletes the snapshot after (the lock orders
    them)."""
    if connection.in_atomic_block:
        raise RuntimeError("snapshot_take runs its own transactions; call it outside one")
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp() - %s", [lag])
        latest = cursor.fetchone()[0]
        moment = latest if at is None else at
        if moment > latest:
            raise ValueError(f"a snapshot's moment must be at least {lag} ago (latest {latest.isoformat()})")
        _wait_for_writers(cursor, wait_seconds)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL jit = off;"
            f" LOCK TABLE {asof.SNAPSHOT_TABLE} IN SHARE MODE"
        )
        cursor.execute(f"SELECT id FROM {asof.SNAPSHOT_TABLE} WHERE taken_at = %s", [moment])
        found = cursor.fetchone()
        if found:
            return found[0]
        with asof.snapshot(moment, exact=True, figures=False):
            # Both always answer from the summaries here (exact: the map's shrunk cells read whatever
            # their number); the bare names are the snapshot's views, or today's tables when
            # nothing changed since the moment.
            if not (asof.summaries("timeline") and asof.summaries("map")):
                raise RuntimeError("the summaries could not be read at the moment")
            cursor.execute(f"INSERT INTO {asof.SNAPSHOT_TABLE} (taken_at) VALUES (%s) RETURNING id", [moment])
            snapshot_id = cursor.fetchone()[0]
            for name, table in asof.SNAPSHOT_TABLES.items():
                columns = ", ".join(asof.SUMMARY_COLUMNS[name])
                cursor.execute(
                    f"INSERT INTO {table} (snapshot_id, {columns}) SELECT %s, {columns} FROM {name}", [snapshot_id]
                )
        cursor.execute(f"ANALYZE {', '.join(asof.SNAPSHOT_TABLES.values())}")
    return snapshot_id


def snapshots_prune(*, keep: int) -> int:
    """Delete all but the ``keep`` latest stored snapshots; the number deleted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {asof.SNAPSHOT_TABLE} WHERE id NOT IN"
            f" (SELECT id FROM {asof.SNAPSHOT_TABLE} ORDER BY taken_at DESC LIMIT %s)",
            [keep],
        )
        return cursor.rowcount
