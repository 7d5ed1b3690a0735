"""Attack.oblast: the place's oblast, kept by the database.

A BEFORE trigger sets it on every insert and on any update touching ``place_id`` (or trying
to set ``oblast_id`` by hand), from the place; a trigger on places carries a change of a
place's oblast (or kind) over to its attacks. Plain SQL triggers rather than django-pgtrigger:
the bulk generator disables ``pgtrigger_*`` triggers while it loads, and this one must run
then too. Existing attacks are filled in before the index is built.
"""

import django.db.models.deletion
from django.db import migrations, models

OBLAST_OF_PLACE = "COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)"

FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION strikes_attack_set_oblast() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.place_id IS NULL THEN
            NEW.oblast_id := NULL;
        ELSE
            SELECT {OBLAST_OF_PLACE} INTO NEW.oblast_id FROM strikes_place p WHERE p.id = NEW.place_id;
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    "CREATE TRIGGER strikes_attack_set_oblast BEFORE INSERT OR UPDATE OF place_id, oblast_id ON strikes_attack"
    " FOR EACH ROW EXECUTE FUNCTION strikes_attack_set_oblast()",
    f"""
    CREATE OR REPLACE FUNCTION strikes_place_carry_oblast() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE strikes_attack a SET oblast_id = (SELECT {OBLAST_OF_PLACE} FROM strikes_place p WHERE p.id = NEW.id)
        WHERE a.place_id = NEW.id;
        RETURN NULL;
    END;
    $$
    """,
    "CREATE TRIGGER strikes_place_carry_oblast AFTER UPDATE OF oblast_id, kind ON strikes_place FOR EACH ROW"
    " WHEN (OLD.oblast_id IS DISTINCT FROM NEW.oblast_id OR OLD.kind IS DISTINCT FROM NEW.kind)"
    " EXECUTE FUNCTION strikes_place_carry_oblast()",
    f"UPDATE strikes_attack a SET oblast_id = {OBLAST_OF_PLACE} FROM strikes_place p"
    f" WHERE p.id = a.place_id AND a.oblast_id IS DISTINCT FROM {OBLAST_OF_PLACE}",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS strikes_place_carry_oblast ON strikes_place",
    "DROP FUNCTION IF EXISTS strikes_place_carry_oblast()",
    "DROP TRIGGER IF EXISTS strikes_attack_set_oblast ON strikes_attack",
    "DROP FUNCTION IF EXISTS strikes_attack_set_oblast()",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0004_data_version")]

    operations = [
        migrations.AddField(
            model_name="attack",
            name="oblast",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="strikes.place",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="attack",
            index=models.Index(fields=["status", "oblast", "-occurred_at", "-id"], name="strikes_attack_oblast_occ"),
        ),
    ]
