# ruff: noqa: S608 -- the SQL below is built only from the constants in this file.
"""Each attack's search-vector lexemes in date order (issue 19: full text as fast as FTS5).

``q=`` matches ``search_vector`` through its GIN index, which answers "which attacks hold
*school*" as an unordered set: a word in 1 % of a million attacks is ~10,000 rows fetched and
sorted to show the newest 100. ``strikes_attack_term`` holds one row per (lexeme, attack) with
the attack's ``occurred_at``, indexed ``(term, occurred_at DESC, attack_id DESC)``: a word's
newest matches are the first entries of one index range, read in order, and the query stops
after a page (``strikes.search`` says when the list uses it and why it stays exact).

Kept by plain statement-level triggers with transition tables, so every writer (services,
importers, ``QuerySet.update()``, raw SQL) keeps it right in its own transaction: an insert
adds the new rows' lexemes; an update whose vector or date changed replaces that attack's
rows (an update of anything else writes nothing); a delete removes them; a TRUNCATE of the
attacks (the bulk generator's ``--reset``, test flushes) empties it. No foreign key: its check
would cost one probe per lexeme on every insert, and the triggers already follow every change.
``strikes_attack_term_rebuild()`` refills it from the attacks in one pass (the back-fill below).
"""

from django.db import migrations, models

# The postings of the attacks in {rows}: one per distinct lexeme of the vector (none when NULL).
LEXEMES = (
    "SELECT lexeme, {row}.occurred_at, {row}.id FROM {rows}"
    " CROSS JOIN LATERAL unnest(tsvector_to_array({row}.search_vector)) AS lexeme"
)

CHANGED = "(n.search_vector, n.occurred_at) IS DISTINCT FROM (o.search_vector, o.occurred_at)"

FORWARD = f"""
CREATE TABLE strikes_attack_term (
    term text NOT NULL,
    occurred_at timestamptz NOT NULL,
    attack_id bigint NOT NULL
);
-- ~4,500 distinct lexemes at 100k attacks: a larger sample lets the planner tell a word in
-- 1 % of attacks from one in 0.01 % (the default keeps 100 most common values).
ALTER TABLE strikes_attack_term ALTER COLUMN term SET STATISTICS 1000;
COMMENT ON TABLE strikes_attack_term IS
    'One row per lexeme of each attack''s search_vector, with its occurred_at; kept by triggers (migration 0012).';

CREATE FUNCTION strikes_attack_term_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO strikes_attack_term (term, occurred_at, attack_id)
    {LEXEMES.format(row="n", rows="n")};
    RETURN NULL;
END $$;

CREATE FUNCTION strikes_attack_term_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose vector or date changed: figures, status and edits of other columns
    -- (most updates) write nothing here. Two statements, so the insert sees the delete.
    DELETE FROM strikes_attack_term t USING n JOIN o ON o.id = n.id
    WHERE t.attack_id = n.id AND {CHANGED};
    INSERT INTO strikes_attack_term (term, occurred_at, attack_id)
    {LEXEMES.format(row="n", rows="n JOIN o ON o.id = n.id")}
    WHERE {CHANGED};
    RETURN NULL;
END $$;

CREATE FUNCTION strikes_attack_term_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM strikes_attack_term WHERE attack_id IN (SELECT o.id FROM o);
    RETURN NULL;
END $$;

CREATE FUNCTION strikes_attack_term_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE strikes_attack_term;
    RETURN NULL;
END $$;

CREATE FUNCTION strikes_attack_term_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
BEGIN
    TRUNCATE strikes_attack_term;
    INSERT INTO strikes_attack_term (term, occurred_at, attack_id)
    {LEXEMES.format(row="a", rows="strikes_attack a")};
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

CREATE TRIGGER strikes_attack_term_insert AFTER INSERT ON strikes_attack
    REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_term_insert();
CREATE TRIGGER strikes_attack_term_update AFTER UPDATE ON strikes_attack
    REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_term_update();
CREATE TRIGGER strikes_attack_term_delete AFTER DELETE ON strikes_attack
    REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_term_delete();
CREATE TRIGGER strikes_attack_term_truncate AFTER TRUNCATE ON strikes_attack
    FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_term_truncate();

-- Filled before its indexes are built: one sort each instead of ~38 index insertions per attack.
SELECT strikes_attack_term_rebuild();
-- An attack's postings, for the triggers' deletes. A hash index, not a btree: a btree on
-- attack_id would offer the planner a merge join, whose costing reads the index's ends, and
-- after the newest attacks are deleted (an import rolled back) that walked ~2,000 emptied
-- pages per plan (15 ms of planning at a million attacks). Unique by construction: the
-- triggers insert an attack's distinct lexemes only after deleting its old ones.
CREATE INDEX strikes_attack_term_attack ON strikes_attack_term USING hash (attack_id);
-- A word's matches newest first: an index(-only) range scan, stopped after a page.
CREATE INDEX strikes_attack_term_walk ON strikes_attack_term (term, occurred_at DESC, attack_id DESC);
ANALYZE strikes_attack_term;
"""

BACKWARD = """
DROP TRIGGER strikes_attack_term_insert ON strikes_attack;
DROP TRIGGER strikes_attack_term_update ON strikes_attack;
DROP TRIGGER strikes_attack_term_delete ON strikes_attack;
DROP TRIGGER strikes_attack_term_truncate ON strikes_attack;
DROP FUNCTION strikes_attack_term_insert();
DROP FUNCTION strikes_attack_term_update();
DROP FUNCTION strikes_attack_term_delete();
DROP FUNCTION strikes_attack_term_truncate();
DROP FUNCTION strikes_attack_term_rebuild();
DROP TABLE strikes_attack_term;
"""


class Migration(migrations.Migration):
    dependencies = [("strikes", "0011_attack_export_lines")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        # The ORM's view of the table (strikes.models.AttackTerm): read only, never managed.
        migrations.CreateModel(
            name="AttackTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "attack", "term", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("term", models.TextField(editable=False)),
                ("occurred_at", models.DateTimeField(editable=False)),
            ],
            options={"db_table": "strikes_attack_term", "managed": False},
        ),
    ]
