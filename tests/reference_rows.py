"""The gazetteer and munition catalogue for tests, as ``datasets.reference.reference_load`` writes
them, loaded for real once per test process and restored from a copy of its rows after that.

Why: the real load (5,537 places with their names, 71 munitions, with history) took about 6 s
of a test's set-up, and some 150 tests need it: about a third of the suite's CPU time. Its
rows do not depend on the test, so the first load's rows are kept (binary COPY of every table
it wrote, read within the test's transaction) and written back with the same COPY and the same
ids, with row triggers off (a place's insert trigger writes its names, which are among the
rows restored) and its tables' statement triggers fired after (the versions they bump).
``tests/strikes/test_reference.py`` tests the loader itself and calls it directly.

A restore happens only into tables that are empty (a fresh test database, a rolled-back or
flushed test); anything else, a partial state, gets the real load.
"""

import copy

from django.db import connection, transaction

_saved: dict = {}  # "summary": the loader's answer; "tables": [(name, binary COPY bytes)]


def _written_tables(cursor) -> dict[str, int]:
    """Rows inserted per table by this transaction so far (the statistics of the transaction)."""
    cursor.execute("SELECT relname, n_tup_ins FROM pg_stat_xact_user_tables WHERE schemaname = 'public'")
    return dict(cursor.fetchall())


def _empty(cursor, tables) -> bool:
    for table in tables:
        cursor.execute(f'SELECT EXISTS (SELECT FROM "{table}")')
        if cursor.fetchone()[0]:
            return False
    return True


def _only_loaded(cursor, tables, before: dict, after: dict) -> bool:
    """Whether every row of ``tables`` is one the load inserted (they were empty before it)."""
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        if cursor.fetchone()[0] != after[table] - before.get(table, 0):
            return False
    return True


def _sequences(cursor, tables) -> list[tuple[str, str, str]]:
    """(table, column, sequence) of every serial or identity column of ``tables``."""
    cursor.execute(
        "SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(c.relname), a.attname)"
        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE c.relname = ANY(%s) AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL",
        [list(tables)],
    )
    return cursor.fetchall()


def reference_rows() -> dict:
    """The reference data in the database, as ``reference_load()`` leaves an empty one; returns
    the loader's counts."""
    from datasets.reference import reference_load

    with transaction.atomic(), connection.cursor() as cursor:
        if _saved and _empty(cursor, [t for t, _ in _saved["tables"]]):
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers: see the docstring
            for table, data in _saved["tables"]:
                with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as out:
                    out.write(data)
            cursor.execute("SET LOCAL session_replication_role = origin")
            # The statement triggers skipped with the row triggers (the data version of the
            # response caches, the reference version of the gazetteer each process keeps): a
            # statement changing no row fires them, and no row trigger.
            for table, _ in _saved["tables"]:
                cursor.execute(f'UPDATE "{table}" SET id = id WHERE false')
            for table, column, sequence in _saved["sequences"]:
                # Past the restored ids (a sequence is never moved back: it is outside transactions).
                cursor.execute(
                    f'SELECT setval(%s, greatest((SELECT max("{column}") FROM "{table}"), nextval(%s)))',
                    [sequence, sequence],
                )
            return copy.deepcopy(_saved["summary"])
        before = _written_tables(cursor)
        summary = reference_load()
        after = _written_tables(cursor)
        tables = sorted(t for t, n in after.items() if n > before.get(t, 0))
        if not _saved and _only_loaded(cursor, tables, before, after):
            saved = []
            for table in tables:
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as data:
                    saved.append((table, b"".join(bytes(chunk) for chunk in data)))
            _saved.update(summary=copy.deepcopy(summary), tables=saved, sequences=_sequences(cursor, tables))
        return summary
