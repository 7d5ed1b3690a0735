# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""SQL that writes values as Python writes them: JSON text as DRF's JSONRenderer, CSV cells
as csv.writer over ``str()``/``isoformat()``; and the session settings the attack
representation's statements run under (``strikes.api.representation``, ``formats``)."""

import json

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError
from django.utils import timezone
from psycopg.pq import TransactionStatus

from config.paging import KeysetPagination


def sql_iso(column: str) -> str:
    """SQL for ``column.astimezone(tz).isoformat()`` with the session's TimeZone set to ``tz``
    (to_char's TZH:TZM is its offset). One to_char call per value."""
    return (
        f"CASE WHEN date_trunc('second', {column}) = {column}"
        f" THEN to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"
        f" ELSE to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM') END"
    )


def sql_float(column: str) -> str:
    """SQL for ``str(column)`` of a float ("30.0", not PostgreSQL's "30")."""
    whole = f"{column} = trunc({column}) AND abs({column}) < 1e15"
    return f"CASE WHEN {whole} THEN {column}::text || '.0' ELSE {column}::text END"


def sql_text(value: str) -> str:
    """A SQL string literal of ``value`` ("%" doubled: statements go through psycopg's
    placeholder substitution)."""
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


def sql_json(column: str) -> str:
    """SQL for the JSON text of a text, integer or boolean value ("null" for NULL)."""
    return f"COALESCE(to_json({column})::text, 'null')"


def sql_json_float(column: str) -> str:
    return f"COALESCE({sql_float(column)}, 'null')"


def sql_json_iso(column: str) -> str:
    return f"COALESCE('\"' || {sql_iso(column)} || '\"', 'null')"


def sql_object(*pairs: tuple[str, str]) -> str:
    """SQL writing ``{"key":value,...}`` from (key, SQL for the value's JSON text).

    One concat() call: a chain of ``||`` copies the text built so far at every step
    (quadratic in the size of a Feature)."""
    if not pairs:
        return "'{}'"
    parts = []
    for i, (key, value) in enumerate(pairs):
        parts += [sql_text(("{" if i == 0 else ",") + json.dumps(key) + ":"), value]
    return f"concat({', '.join(parts)}, '}}')"


def sql_array(select: str) -> str:
    """SQL writing ``[a,b,...]`` from a subquery of JSON texts, in its order."""
    return f"'[' || array_to_string(ARRAY({select}), ',') || ']'"


def sql_case(column: str, mapping: dict) -> str:
    whens = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} END"


def _literal(value) -> str:
    return str(value) if isinstance(value, int) else sql_text(str(value))


# A CSV cell a spreadsheet would run as a formula begins with = + - @ (61 43 45 64), a tab (9)
# or a carriage return (13): OWASP's advice is to start such a cell with an apostrophe. Text
# columns only; numbers keep their minus sign.
_FORMULA_STARTS = "61, 43, 45, 64, 9, 13"


def csv_text(expression: str) -> str:
    """SQL for a text cell of ``expression``, neutralised when it would start a formula."""
    return f"CASE WHEN ascii({expression}) IN ({_FORMULA_STARTS}) THEN '''' || {expression} ELSE {expression} END"


# Up to this many elements, distinct values are picked by comparisons written out in the
# statement (concat_ws skips the NULLs); longer arrays take the general subquery.
_INLINE_DISTINCT = 4


def distinct_join(array: str, sep: str) -> str:
    """Non-null elements of ``array``, first occurrence kept, joined by ``sep`` (NULL when none).

    Nearly every attack has at most four sources and munitions: for those each element is kept
    unless it equals an earlier one, written out as comparisons (a subquery per row cost 3 s of
    a million-row export). Longer arrays keep an element where it first occurs."""
    inline = []
    for i in range(1, _INLINE_DISTINCT + 1):
        earlier = " AND ".join(f"{array}[{i}] IS DISTINCT FROM {array}[{j}]" for j in range(1, i))
        inline.append(f"CASE WHEN {earlier} THEN {array}[{i}] END" if earlier else f"{array}[1]")
    first = (
        f"SELECT v FROM unnest({array}) WITH ORDINALITY AS u(v, pos) "
        f"WHERE v IS NOT NULL AND array_position({array}, v) = pos ORDER BY pos"
    )
    return (
        f"CASE WHEN cardinality({array}) <= {_INLINE_DISTINCT}"
        f" THEN NULLIF(concat_ws('{sep}', {', '.join(inline)}), '')"
        f" ELSE NULLIF(array_to_string(ARRAY({first}), '{sep}'), '') END"
    )


def ordering_keys(queryset) -> tuple[list[str], bool]:
    """The queryset's sort keys (``id`` for ``pk``) and whether they descend."""
    names, descending = KeysetPagination.keys(queryset)
    return ["id" if n == "pk" else n for n in names], descending


def rows_sql(queryset, columns: list[str]) -> tuple[str, tuple]:
    """SQL and parameters selecting ``columns`` of the filtered rows, unordered.

    A filter Django knows matches nothing (an id beyond the integer range, say) has no SQL:
    Django raises EmptyResultSet; the same columns of no row are selected instead."""
    try:
        return queryset.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:
        return queryset.model.objects.filter(pk__in=[0]).values(*columns).query.sql_with_params()


def set_session(cursor, *, jit_off: bool = False) -> None:
    """Date-times in the current zone for the statements to come (``sql_iso``); for the exports
    also no JIT, whose compilation of these expressions cost more than the query."""
    tz = str(timezone.get_current_timezone())
    if jit_off:
        cursor.execute("SELECT set_config('TimeZone', %s, false), set_config('jit', 'off', false)", [tz])
    else:
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [tz])


def restore_session(connection, cursor) -> None:
    """Back to the connection's own zone and the server's JIT setting.

    In a failed transaction the rollback to come undoes both; a connection that cannot be
    put back is closed rather than handed to the next request with the export's zone."""
    if connection.connection.info.transaction_status == TransactionStatus.INERROR:
        return
    try:
        cursor.execute(
            "SELECT set_config('TimeZone', %s, false), "
            "set_config('jit', (SELECT reset_val FROM pg_settings WHERE name = 'jit'), false)",
            [connection.timezone_name],
        )
    except DatabaseError:
        connection.close()
