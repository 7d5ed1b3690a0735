"""The attack filters of the API and the explore page, for callers outside a request.

A saved search (``watch``) stores a query string; this module checks it with the same
``AttackFilterSet`` the API uses (so it accepts exactly what the API accepts, with the same
messages) and later tells which attacks match it, whatever their status now (a retracted
attack that matched must still be reported as retracted).

Many searches against one set of changed attacks (``attack_ids_matching_many``, the saved-search
check) are answered by one scan of those attacks per ~100 distinct queries: each query's filters
become one ``array_agg(id) FILTER (WHERE ...)`` of the statement, so the changed ids are sent and
probed once, not once per search (bench/features.py watch: 1,000 searches, 125 distinct queries).
"""

from collections.abc import Collection, Iterable
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connections
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django_filters import rest_framework as filters
from psycopg.pq import TransactionStatus

from strikes.filtersets import AttackFilterSet
from strikes.models import Attack

# Parameters that shape an answer (its format, columns, order, page, mode), not which attacks it holds.
PRESENTATION_PARAMS = frozenset(
    {"format", "fields", "omit", "ordering", "page_size", "cursor", "count", "figures", "as_of", "view"}
)


class _FiltersOnly(AttackFilterSet):
    """The filters alone: no visibility rule, no ordering (the caller restricts the rows)."""

    def filter_queryset(self, queryset):
        return filters.FilterSet.filter_queryset(self, queryset)


def attack_query_clean(text: str) -> str:
    """The canonical query string of the attack filters in ``text`` (a page or API URL, or a
    query string): presentation parameters dropped, keys sorted. Raises ``ValidationError``
    naming each bad parameter, as the API would answer it (for the public: published only)."""
    raw = (text or "").strip()
    if "?" in raw or raw.startswith(("http://", "https://", "/")):
        raw = urlsplit(raw).query
    params = QueryDict(raw)
    kept = sorted(
        (key, value)
        for key in params
        if key not in PRESENTATION_PARAMS
        for value in params.getlist(key)
        if value.strip()
    )
    query = urlencode(kept)
    filterset = AttackFilterSet(QueryDict(query), queryset=Attack.objects.none())
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return query


def attack_ids_matching(query: str, ids: Iterable[int]) -> set[int]:
    """Which of the attacks ``ids`` the filters in ``query`` match, in their current state,
    whatever their status."""
    # One array parameter, not one placeholder per id: a 10,000-attack import checked against a
    # thousand saved searches compiled and sent 10,000 parameters a search (bench/features.py).
    chosen = Attack.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),)))
    filterset = _FiltersOnly(QueryDict(query), queryset=chosen)
    if not filterset.is_valid():  # stored queries were cleaned; a filter removed since matches nothing
        return set()
    return set(filterset.qs.values_list("pk", flat=True))


# Conditions per statement of attack_ids_matching_many: PostgreSQL allows 1,664 output columns,
# and a statement of ~100 keeps each one's planning short.
CONDITIONS_PER_STATEMENT = 100
_NOTHING = ("FALSE", ())  # a query whose filters no longer validate, or that can match no row


def _condition(query: str, using: str) -> tuple[str, tuple] | None:
    """The SQL condition (and its parameters) on ``strikes_attack`` of the filters in ``query``,
    as ``attack_ids_matching`` applies them; None when they need more than that one table in the
    outer FROM (a join), which this module's single-scan statement cannot hold."""
    filterset = _FiltersOnly(QueryDict(query), queryset=Attack.objects.all())
    if not filterset.is_valid():  # stored queries were cleaned; a filter removed since matches nothing
        return _NOTHING
    sql_query = filterset.qs.query
    compiler = sql_query.get_compiler(using=using)
    compiler.pre_sql_setup()
    if compiler.having or compiler.qualify or sql_query.count_active_tables() > 1:
        return None
    try:
        sql, params = compiler.compile(compiler.where)
    except EmptyResultSet:
        return _NOTHING
    except FullResultSet:  # no filter at all: every attack
        return "TRUE", ()
    return sql, tuple(params)


def attack_ids_matching_many(queries: Iterable[str], ids: Collection[int]) -> dict[str, set[int]]:
    """For each distinct query string of ``queries``, which of the attacks ``ids`` its filters
    match (in their current state, whatever their status): the same answers as
    ``attack_ids_matching`` per query, with each query's filters resolved and compiled once and
    the attacks read once per ``CONDITIONS_PER_STATEMENT`` queries."""
    using = Attack.objects.all().db  # where attack_ids_matching reads (the primary outside requests)
    answers: dict[str, set[int]] = {query: set() for query in queries}  # in the order given; filled below
    if not ids:
        return answers
    conditions: list[tuple[str, str, tuple]] = []
    for query in answers:
        condition = _condition(query, using)
        if condition is None:
            answers[query] = attack_ids_matching(query, ids)
        elif condition != _NOTHING:
            conditions.append((query, *condition))
    chosen = sorted(ids)
    table = Attack._meta.db_table
    connection = connections[using]
    with connection.cursor() as cursor:
        # No JIT: the statement is costed above its threshold (a subplan per condition and row),
        # and compiling a hundred conditions' expressions took 27 of its 28 s (EXPLAIN ANALYZE,
        # 200,000 attacks, 10,000 changed, load 11) against 1.5 s without. For the session, not the
        # transaction (a check runs in autocommit), and put back after as it was.
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', false)")
        jit = cursor.fetchone()[0]
        try:
            for start in range(0, len(conditions), CONDITIONS_PER_STATEMENT):
                chunk = conditions[start : start + CONDITIONS_PER_STATEMENT]
                # Django compiles column references as "strikes_attack"."column": the FROM names the
                # table itself, unaliased, so each compiled condition reads the scanned row.
                columns = ", ".join(f'array_agg("{table}"."id") FILTER (WHERE {sql})' for _q, sql, _p in chunk)
                sql = f'SELECT {columns} FROM "{table}" WHERE "{table}"."id" = ANY(%s::bigint[])'  # noqa: S608
                cursor.execute(sql, [*(p for _q, _sql, params in chunk for p in params), chosen])
                for (query, _sql, _params), matched in zip(chunk, cursor.fetchone(), strict=True):
                    answers[query] = set(matched or ())
        finally:
            # In a failed transaction the rollback to come undoes the setting.
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                cursor.execute("SELECT set_config('jit', %s, false)", [jit])
    return answers
