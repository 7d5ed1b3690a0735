"""A data version for caching the map and the timeline.

Every statement that writes a table the aggregates read (attacks, their munitions, places,
munitions, waves and their counts) draws the next value of ``strikes_data_version``.
Sequences are not transactional and take no row lock, so writers never wait on each other
for it. The aggregate views read ``last_value`` before computing and key their cache by it
(``strikes.api.aggregates.cached``). Plain SQL triggers, not django-pgtrigger: the bulk
generator disables ``pgtrigger_*`` triggers during its load, and these must fire then too
(once per statement, so a bulk load costs one ``nextval``).
"""

from django.db import migrations

TABLES = [
    "strikes_attack",
    "strikes_attackmunition",
    "strikes_place",
    "strikes_munition",
    "strikes_wave",
    "strikes_wavemunition",
    "strikes_wavemunition_munitions",
]

FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS strikes_data_version",
    """
    CREATE OR REPLACE FUNCTION strikes_data_version_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('strikes_data_version');
        RETURN NULL;
    END;
    $$
    """,
    *(
        f"CREATE TRIGGER strikes_data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION strikes_data_version_bump()"
        for table in TABLES
    ),
]

BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS strikes_data_version_bump ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS strikes_data_version_bump()",
    "DROP SEQUENCE IF EXISTS strikes_data_version",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0003_attackevent_created_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
