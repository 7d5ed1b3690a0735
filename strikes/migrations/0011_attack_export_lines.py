"""Stored export lines (issue 19): each attack's CSV line and GeoJSON Feature, refreshed in the
transaction of any write that changes them (``strikes.api.export_lines`` says how and why).

This migration makes the tables and the triggers that note changed attacks; the functions
that compute the lines are generated from the attack's declaration and put in place after
every ``migrate`` (``strikes.apps`` -> ``export_lines.install``), which also fills the table.
Until then the stand-ins below compute nothing and carry no version: the exports stay on the
live path. Plain SQL triggers, not django-pgtrigger: the bulk generator disables
``pgtrigger_*`` triggers during its load; it disables these by name and rebuilds instead.
"""

from django.db import migrations

# Per table a line reads, per event: the attacks whose lines the statement's rows change (SQL
# over the transition tables: "n" the new rows, "o" the old). An UPDATE of an article, an
# outlet, a munition or a place counts only when a column the lines show changed (ingest
# updates articles all the time: leases, states).
TRIGGERS = {
    "strikes_attack": {
        "INSERT": "SELECT n.id FROM n",
        "UPDATE": "SELECT n.id FROM n",
        "DELETE": "SELECT o.id FROM o",
    },
    "strikes_attackmunition": {
        "INSERT": "SELECT n.attack_id FROM n",
        "UPDATE": "SELECT n.attack_id FROM n UNION SELECT o.attack_id FROM o",
        "DELETE": "SELECT o.attack_id FROM o",
    },
    "strikes_munition": {
        "UPDATE": "SELECT am.attack_id FROM strikes_attackmunition am WHERE am.munition_id IN ("
        "SELECT n.id FROM n JOIN o ON o.id = n.id"
        " WHERE (n.name, n.category, n.origin_country) IS DISTINCT FROM (o.name, o.category, o.origin_country))",
    },
    "strikes_place": {
        "UPDATE": "SELECT a.id FROM strikes_attack a JOIN strikes_place p ON p.id = a.place_id"
        " WHERE p.id IN (SELECT c.id FROM c) OR p.oblast_id IN (SELECT c.id FROM c)"
        " OR p.parent_id IN (SELECT c.id FROM c)",
    },
    "sources_article": {
        "INSERT": "SELECT n.attack_id FROM n WHERE n.attack_id IS NOT NULL",
        "UPDATE": "SELECT x.attack_id FROM n JOIN o ON o.id = n.id"
        " CROSS JOIN LATERAL (VALUES (n.attack_id), (o.attack_id)) x(attack_id)"
        " WHERE x.attack_id IS NOT NULL AND (n.attack_id, n.title, n.url, n.canonical_url, n.published_at, n.outlet_id)"
        " IS DISTINCT FROM (o.attack_id, o.title, o.url, o.canonical_url, o.published_at, o.outlet_id)",
        "DELETE": "SELECT o.attack_id FROM o WHERE o.attack_id IS NOT NULL",
    },
    "sources_outlet": {
        "UPDATE": "SELECT ar.attack_id FROM sources_article ar WHERE ar.attack_id IS NOT NULL AND ar.outlet_id IN ("
        "SELECT n.id FROM n JOIN o ON o.id = n.id WHERE (n.name, n.grade) IS DISTINCT FROM (o.name, o.grade))",
    },
    "casualties_publishedfigure": {
        "INSERT": "SELECT n.attack_id FROM n",
        "UPDATE": "SELECT n.attack_id FROM n UNION SELECT o.attack_id FROM o",
        "DELETE": "SELECT o.attack_id FROM o",
    },
}

# A place's change: those whose name, kind, oblast or parent changed (the lines show them).
PLACE_CHANGED = (
    "WITH c AS (SELECT n.id FROM n JOIN o ON o.id = n.id"
    " WHERE (n.name, n.kind, n.oblast_id, n.parent_id) IS DISTINCT FROM (o.name, o.kind, o.oblast_id, o.parent_id)) "
)

TRANSITIONS = {
    "INSERT": "REFERENCING NEW TABLE AS n",
    "UPDATE": "REFERENCING OLD TABLE AS o NEW TABLE AS n",
    "DELETE": "REFERENCING OLD TABLE AS o",
}


def _trigger_sql(table: str, event: str, select: str) -> list[str]:
    name = f"strikes_attackexport_mark_{event.lower()}"
    function = f"{name}_{table}"
    prefix = PLACE_CHANGED if table == "strikes_place" else ""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM strikes_attackexport_mark(ARRAY({prefix}{select}));
            RETURN NULL;
        END;
        $$
        """,
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {TRANSITIONS[event]}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


FORWARD = [
    """
    CREATE TABLE strikes_attackexport (
        attack_id bigint PRIMARY KEY,
        csv_line text NOT NULL,
        feature_head text NOT NULL,
        feature_tail text NOT NULL
    )
    """,
    # Both hold rows only inside a writing transaction (the flush deletes them before commit):
    # unlogged, nothing to recover. Keyed by the transaction, so concurrent writers of one
    # attack never wait on each other here.
    """
    CREATE UNLOGGED TABLE strikes_attackexport_dirty (
        xid bigint NOT NULL,
        attack_id bigint NOT NULL,
        PRIMARY KEY (xid, attack_id)
    )
    """,
    "CREATE UNLOGGED TABLE strikes_attackexport_pending (xid bigint PRIMARY KEY)",
    # Stand-ins until export_lines.install() puts the generated functions in place.
    "CREATE FUNCTION strikes_attackexport_refresh(p_ids bigint[]) RETURNS void LANGUAGE sql AS 'SELECT NULL'",
    "CREATE FUNCTION strikes_attackexport_rebuild() RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint'",
    """
    CREATE FUNCTION strikes_attackexport_mark(p_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(p_ids) = 0 THEN
            RETURN;
        END IF;
        INSERT INTO strikes_attackexport_dirty (xid, attack_id)
        SELECT DISTINCT txid_current(), x FROM unnest(p_ids) x WHERE x IS NOT NULL
        ON CONFLICT DO NOTHING;
        -- The first mark of a transaction queues the refresh at its commit (one per transaction).
        INSERT INTO strikes_attackexport_pending (xid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    END;
    $$
    """,
    """
    CREATE FUNCTION strikes_attackexport_flush() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        me bigint := txid_current_if_assigned();
        ids bigint[];
    BEGIN
        IF me IS NULL THEN
            RETURN;  -- this transaction wrote nothing
        END IF;
        DELETE FROM strikes_attackexport_pending WHERE xid = me;
        WITH done AS (DELETE FROM strikes_attackexport_dirty WHERE xid = me RETURNING attack_id)
        SELECT array_agg(attack_id ORDER BY attack_id) INTO ids FROM done;
        IF ids IS NOT NULL THEN
            PERFORM strikes_attackexport_refresh(ids);
        END IF;
    END;
    $$
    """,
    """
    CREATE FUNCTION strikes_attackexport_flush_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM strikes_attackexport_flush();
        RETURN NULL;
    END;
    $$
    """,
    "CREATE CONSTRAINT TRIGGER strikes_attackexport_flush AFTER INSERT ON strikes_attackexport_pending"
    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION strikes_attackexport_flush_at_commit()",
    # TRUNCATE of the attacks empties the lines; of a table they read, marks every attack.
    """
    CREATE FUNCTION strikes_attackexport_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'strikes_attack' THEN
            TRUNCATE strikes_attackexport;
        ELSE
            PERFORM strikes_attackexport_mark(ARRAY(SELECT id FROM strikes_attack));
        END IF;
        RETURN NULL;
    END;
    $$
    """,
    *(
        f"CREATE TRIGGER strikes_attackexport_mark_truncate AFTER TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION strikes_attackexport_truncated()"
        for table in TRIGGERS
    ),
    *(
        sql
        for table, events in TRIGGERS.items()
        for event, select in events.items()
        for sql in _trigger_sql(table, event, select)
    ),
]

BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS strikes_attackexport_mark_{event.lower()} ON {table}"
        for table, events in TRIGGERS.items()
        for event in [*events, "TRUNCATE"]
    ),
    *(
        f"DROP FUNCTION IF EXISTS strikes_attackexport_mark_{event.lower()}_{table}()"
        for table, events in TRIGGERS.items()
        for event in events
    ),
    "DROP FUNCTION IF EXISTS strikes_attackexport_truncated()",
    "DROP TABLE IF EXISTS strikes_attackexport_pending",
    "DROP FUNCTION IF EXISTS strikes_attackexport_flush_at_commit()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_flush()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_mark(bigint[])",
    "DROP FUNCTION IF EXISTS strikes_attackexport_rebuild()",
    "DROP FUNCTION IF EXISTS strikes_attackexport_refresh(bigint[])",
    "DROP TABLE IF EXISTS strikes_attackexport_dirty",
    "DROP TABLE IF EXISTS strikes_attackexport",
]


class Migration(migrations.Migration):
    dependencies = [
        ("strikes", "0010_evidence_grades"),
        ("sources", "0005_article_lease_lapses"),
        ("casualties", "0007_evidence_grades"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
