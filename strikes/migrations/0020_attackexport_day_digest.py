"""Each stored day's piece carries the SHA-256 of its text (``digest``), set by the database on
every write, so a web server may keep a piece in a local file named by it and know, from the
digest alone, that the file holds exactly the piece the database holds now
(``strikes.api.export_cache``; docs/PERFORMANCE.md §32). A piece is only ever inserted (a day
rebuilt deletes and inserts), and a piece kept by a rebuild keeps its text and so its digest.

Existing pieces get theirs here (an UPDATE that leaves the TOASTed text where it is: 7,907
pieces, 1.6 GB, at a million attacks).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE strikes_attackexport_day ADD COLUMN digest bytea",
    """
    CREATE FUNCTION strikes_attackexport_day_digest() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        NEW.digest := sha256(convert_to(NEW.features, 'UTF8'));
        RETURN NEW;
    END;
    $fn$
    """,
    "CREATE TRIGGER strikes_attackexport_day_digest BEFORE INSERT OR UPDATE OF features"
    " ON strikes_attackexport_day FOR EACH ROW EXECUTE FUNCTION strikes_attackexport_day_digest()",
    "UPDATE strikes_attackexport_day SET digest = sha256(convert_to(features, 'UTF8'))",
    "ALTER TABLE strikes_attackexport_day ALTER COLUMN digest SET NOT NULL",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS strikes_attackexport_day_digest ON strikes_attackexport_day",
    "DROP FUNCTION IF EXISTS strikes_attackexport_day_digest()",
    "ALTER TABLE strikes_attackexport_day DROP COLUMN IF EXISTS digest",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0019_attack_oblast_grade")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
