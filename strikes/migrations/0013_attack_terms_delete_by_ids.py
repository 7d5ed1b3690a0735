# ruff: noqa: S608 -- the SQL below is built only from the constants in this file and 0012's.
"""The postings triggers delete by a list of ids instead of a join with the transition tables.

0012's update trigger deleted with ``USING n JOIN o``: the planner joins the postings table to
the transition tables, which carry no statistics, and on a postings table never analysed (a
new database's first import, all in one transaction) it chose a nested loop over every
posting: 124,000 postings x 83 changed attacks, 3.8 s for one batch of a UCDP import, 8 s for
the next (the whole import 88 s instead of 11). The ids are now gathered first, in a statement
of their own (``= ANY(ARRAY(...))``), so the postings are read by their index on
``attack_id``, or at worst scanned once, whatever the statistics say.
"""

import importlib

from django.db import migrations

_0012 = importlib.import_module("strikes.migrations.0012_attack_terms")
CHANGED, LEXEMES = _0012.CHANGED, _0012.LEXEMES

FORWARD = f"""
CREATE OR REPLACE FUNCTION strikes_attack_term_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose vector or date changed: figures, status and edits of other columns
    -- (most updates) write nothing here. Two statements, so the insert sees the delete.
    DELETE FROM strikes_attack_term
    WHERE attack_id = ANY(ARRAY(SELECT n.id FROM n JOIN o ON o.id = n.id WHERE {CHANGED}));
    INSERT INTO strikes_attack_term (term, occurred_at, attack_id)
    {LEXEMES.format(row="n", rows="n JOIN o ON o.id = n.id")}
    WHERE {CHANGED};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION strikes_attack_term_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM strikes_attack_term WHERE attack_id = ANY(ARRAY(SELECT o.id FROM o));
    RETURN NULL;
END $$;
"""

BACKWARD = f"""
CREATE OR REPLACE FUNCTION strikes_attack_term_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM strikes_attack_term t USING n JOIN o ON o.id = n.id
    WHERE t.attack_id = n.id AND {CHANGED};
    INSERT INTO strikes_attack_term (term, occurred_at, attack_id)
    {LEXEMES.format(row="n", rows="n JOIN o ON o.id = n.id")}
    WHERE {CHANGED};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION strikes_attack_term_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM strikes_attack_term WHERE attack_id IN (SELECT o.id FROM o);
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("strikes", "0012_attack_terms")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
