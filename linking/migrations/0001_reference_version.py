"""A version number for the gazetteer's tables, so the ingest workers' cached reference data is
checked with a one-row read instead of counting and scanning the places table for every article.

Every statement that writes ``strikes_place`` or ``strikes_munition`` (insert, update, delete,
truncate) adds one to the single row of ``linking_referenceversion``. The row is written in the
writer's transaction, so the new number becomes visible exactly when the edit does: a worker
that reads the number and then the tables can only see tables as new as the number or newer
(never an old table under a new number), so a cached gazetteer is never kept past an edit.
A sequence would not do: ``nextval`` is seen by others before the edit commits (or even when it
rolls back), and a worker reading it in between would cache the old rows under the new number.

Plain SQL triggers, not django-pgtrigger: the bulk generator disables ``pgtrigger_*`` triggers
during its load, and these must fire then too (once per statement, so a bulk load costs one
update). Writers of places or munitions wait on each other for the row until they commit: they
are an editor's or the reference loader's rare writes, never an article's.
"""

from django.db import migrations

TABLES = ["strikes_place", "strikes_munition"]

FORWARD = [
    """
    CREATE TABLE linking_referenceversion (
        id smallint PRIMARY KEY CHECK (id = 1),
        version bigint NOT NULL
    )
    """,
    "INSERT INTO linking_referenceversion (id, version) VALUES (1, 1)",
    """
    CREATE OR REPLACE FUNCTION linking_reference_version_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE linking_referenceversion SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END;
    $$
    """,
    *(
        f"CREATE TRIGGER linking_reference_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION linking_reference_version_bump()"
        for table in TABLES
    ),
]

BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS linking_reference_version_bump ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS linking_reference_version_bump()",
    "DROP TABLE IF EXISTS linking_referenceversion",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0013_attack_terms_delete_by_ids")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
