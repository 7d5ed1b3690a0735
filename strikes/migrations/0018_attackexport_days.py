"""Each Kyiv day's public GeoJSON Features stored together, so a date-range download reads days.

``strikes_attackexport_day`` holds, per day (in ``settings.TIME_ZONE``) and per piece of 128,
the stored Features (``strikes_attackexport``) of the attacks anyone may see that day, in the
export's default order (newest first, ties by id), joined by commas, each url a placeholder for
the request's host. ``strikes_attackexport_stale`` notes the days a write changed until they are
rebuilt. A GeoJSON export whose only filter is a date range reads its whole days as these
pieces instead of probing a stored line per Feature (at a million attacks the bench's 9,120
Features were 9,120 primary-key probes and 16 MB joined per request: docs/PERFORMANCE.md §21).

The tables only: the functions and triggers that fill them are generated with the export
lines' (``strikes.api.export_lines``, run after every ``migrate``), whose hash then differs
from the one in the database, so every line and every day is rebuilt. Reversed, the triggers
and functions go with the tables, and ``install`` puts back functions that build no day.
"""

from django.db import migrations

FORWARD = [
    # Uncompressed (EXTERNAL): a piece is read whole for every download; decompressing 16 MB
    # would cost more than the probes it replaces.
    """
    CREATE TABLE strikes_attackexport_day (
        day date NOT NULL,
        piece integer NOT NULL,
        ids bigint[] NOT NULL,
        features text NOT NULL,
        PRIMARY KEY (day, piece)
    )
    """,
    "ALTER TABLE strikes_attackexport_day ALTER COLUMN features SET STORAGE EXTERNAL",
    # No unique key: a mark never waits for another writer's uncommitted mark of the same day.
    "CREATE TABLE strikes_attackexport_stale (xid bigint NOT NULL, day date NOT NULL)",
    "CREATE INDEX strikes_attackexport_stale_day ON strikes_attackexport_stale (day)",  # is a day stale
    "CREATE INDEX strikes_attackexport_stale_xid ON strikes_attackexport_stale (xid)",  # a transaction's days
]

BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS strikes_attackexport_mark_day_{event} ON strikes_attack"
        for event in ("insert", "update", "delete")
    ),
    "DROP TRIGGER IF EXISTS strikes_attackexport_days_refresh ON strikes_attackexport",
    "DROP TRIGGER IF EXISTS strikes_attackexport_days_truncate ON strikes_attackexport",
    "DROP FUNCTION IF EXISTS strikes_attackexport_day_mark()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_days_refresh()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_days_truncated()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_days_build(date[], bigint[])",
    "DROP TABLE IF EXISTS strikes_attackexport_stale",
    "DROP TABLE IF EXISTS strikes_attackexport_day",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0017_merge_asof_geo")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
