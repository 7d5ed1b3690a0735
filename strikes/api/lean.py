# ruff: noqa: S608 -- SQL is built from module constants and Django's compiled SQL; values are placeholders.
"""The lean read path: the JSON list page and the detail of the default shape, read from the
stored export lines instead of computed (docs/PERFORMANCE.md §15).

``strikes_attackexport`` (``strikes.api.export_lines``) keeps each attack's default GeoJSON
Feature, split around its url. Its ``properties`` are the attack's representation with every
field, figures decided, times in ``settings.TIME_ZONE``: exactly the JSON the list and the
detail show for a request that asks for that shape. So such a request reads that text by the
attack's primary key, with its url put in, in the statement that selects the attack (the
detail) or the page (the list): one statement, no session settings, no relation subqueries,
and no attack row turned into Python values.

Served when (``serves``) the request shows every field in the decided mode, reads no ``as_of``
snapshot, and its time zone is the one the lines were written in; and (checked in the same
statement) the lines were written by this code's declaration. Anything else, or a line found
missing, takes the live path, which writes the same bytes. Filters, visibility, paging, errors,
throttles and caching are the view's own: only where the JSON text comes from changes.
"""

import datetime as dt
import json

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.expressions import RawSQL
from django.db.models.query import BaseIterable
from django.utils import timezone
from psycopg.postgres import types as pg_types
from psycopg.types.string import TextLoader

from strikes.api import asof, export_lines
from strikes.api.representation import FIELD_NAMES, AttackRow, AttackRowIterable
from strikes.api.sql import ordering_keys, rows_sql

# The properties object of a stored Feature, its url (request's scheme and host) put back in,
# and the Feature's closing brace after it (``text()`` drops it): the head runs from the
# Feature's start to the url's value, the tail from after it to the Feature's closing brace.
# "properties" is the Feature's last member and its geometry (a Point or null) never holds that
# text, so the first ',"properties":' starts them. The brace is dropped in Python because
# left(tail, -1) counts the 1.6 KB tail's characters: at 1M, 5 us a row, the grade=fair page's
# statement 0.9 -> 0.4 ms with it gone and concat() (which writes each argument out first)
# replaced by "||" (the columns are NOT NULL: NULL still means no line).
_PROPERTIES = (
    "substr(e.feature_head, strpos(e.feature_head, ',\"properties\":') + 14)"
    " || %s::text || e.attack_id::text || %s::text || e.feature_tail"
)
# True when the stored lines were written by this code's declaration for this zone (the refresh
# function's comment is the hash of the SQL that writes them: export_lines.install). The
# catalogue read directly: obj_description(), an SQL function, cost 0.15 ms a call, this 0.03.
_CURRENT = (
    "(SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = to_regprocedure(%s)"
    " AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0) = %s"
)

# The page row's stored JSON, under this name (an underscore: attack_rows leaves it out).
BODY = "_lean_json"


def serves(shape) -> bool:
    """Whether the stored lines can answer ``shape``: every field, decided figures, no snapshot
    (whether they were written for this zone by this declaration is checked by the statement)."""
    return shape.mode == export_lines.MODE and shape.names == FIELD_NAMES and not asof.active()


def _url_parts(url: tuple[str, str]) -> tuple[str, str]:
    """The url's JSON text before and after the id (as ``representation._url_json`` writes it)."""
    return json.dumps(url[0], ensure_ascii=False)[:-1], json.dumps(url[1], ensure_ascii=False)[1:]


def _body_sql(attack_id: str) -> str:
    """SQL for the stored JSON of attack ``attack_id`` (SQL), NULL when the lines are not this
    code's for this zone, or the line is missing."""
    line = f"SELECT {_PROPERTIES} FROM strikes_attackexport e WHERE e.attack_id = {attack_id}"
    return f"CASE WHEN {_CURRENT} THEN ({line}) END"


def body_params(url: tuple[str, str]) -> tuple:
    """The parameters of ``_body_sql``: the refresh function, the lines' version for this
    request's zone, and the url's text around the id."""
    zone = str(timezone.get_current_timezone())
    return (export_lines.REFRESH, export_lines.current_version(zone), *_url_parts(url))


def flush(using: str) -> None:
    """Inside a writing transaction, bring its attacks' lines up to date first (the commit
    would): a reader sees its own writes. A statement of its own: a function's writes are not
    seen by the statement that calls it."""
    connection = connections[using]
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT strikes_attackexport_flush()")


def text(value: str) -> bytes:
    """The stored JSON (``_PROPERTIES``: the properties and the Feature's closing brace) as the
    JSON renderer writes it: the brace dropped, U+2028 and U+2029 escaped (as
    ``representation.representations_json`` does)."""
    return value[:-1].replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def rows(queryset, url: tuple[str, str], params: tuple | None = None):
    """``queryset`` yielding ``AttackRow``s of its sort keys (and annotations, which keyset
    paging reads) and ``BODY``, the stored JSON (None: take the live path). ``params``: the
    stored JSON's parameters (``body_params(url)``, the default), or others of the same types
    (``strikes.api.plans`` builds the statement with such). Iterating it flushes first."""
    annotations = [name for name in queryset.query.annotations if not name.startswith("_")]
    keys, _ = ordering_keys(queryset)
    table = connections[queryset.db].ops.quote_name(queryset.model._meta.db_table)
    params = body_params(url) if params is None else params
    body = RawSQL(_body_sql(f"{table}.id"), params)  # noqa: S611 -- constants; values are parameters
    values = queryset.values(*dict.fromkeys(["id", *keys, *annotations]), **{BODY: body})
    values._iterable_class = LeanRowIterable
    return values


_TIMESTAMPTZ = pg_types["timestamptz"].oid


def statement(queryset) -> tuple[str, tuple, list[str]] | None:
    """(SQL, parameters, column names) of a ``rows()`` queryset as ``LeanRowIterable`` reads
    it; None where Django's iteration is needed (a column with a converter). Raises
    EmptyResultSet where Django knows the filter matches nothing."""
    query = queryset.query
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    # As ValuesIterable names the columns (extra(select=...) first where not ``selected``).
    names = list(query.selected or ()) or [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if len(names) != compiler.col_count or compiler.get_converters(fields) or compiler.has_composite_fields(fields):
        return None
    return sql, tuple(params), names


def read(using: str, sql: str, params, names: list[str]) -> list[AttackRow]:
    """The rows of a ``statement()`` as ``AttackRow``s, read by one cursor. A moment (the sort
    key) comes as PostgreSQL's text and is read by ``datetime.fromisoformat`` (C) instead of
    Django's loader, a Python function per row: the page's 101 rows took 0.53 ms to fetch with
    it, 0.24 without (docs/PERFORMANCE.md §30)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader(_TIMESTAMPTZ, TextLoader)  # this cursor's only
        cursor.execute(sql, params)
        moments = [i for i, column in enumerate(cursor.description) if column.type_code == _TIMESTAMPTZ]
        fetched = cursor.fetchall()
    zone = connection.timezone
    out = []
    for row in fetched:
        if moments:
            row = list(row)
            for i in moments:
                if row[i] is not None:
                    row[i] = dt.datetime.fromisoformat(row[i]).astimezone(zone)
        out.append(AttackRow(zip(names, row[: len(names)], strict=True)))
    return out


class LeanRowIterable(BaseIterable):
    """``rows()``' page as ``AttackRow``s, read by one cursor (``read``): the same rows as
    Django's ``values()`` iteration (``AttackRowIterable``, which it falls back to where a
    column needs a converter), without its per-row work."""

    def __iter__(self):
        flush(self.queryset.db)
        try:
            compiled = statement(self.queryset)
        except EmptyResultSet:
            return
        if compiled is None:
            yield from AttackRowIterable(self.queryset, self.chunked_fetch, self.chunk_size)
            return
        yield from read(self.queryset.db, *compiled)


def detail(queryset, url: tuple[str, str]) -> tuple[bool, bytes | None]:
    """(whether ``queryset`` holds a row, its stored JSON or None) for a queryset of at most
    one attack (the detail's, visibility applied); None: take the live path."""
    return _detail_of(queryset.db, *rows_sql(queryset, ["id"]), url)


def _detail_of(using: str, inner_sql: str, inner_params, url: tuple[str, str]) -> tuple[bool, bytes | None]:
    flush(using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {_body_sql('f.id')} FROM ({inner_sql}) f", (*body_params(url), *inner_params))
        row = cursor.fetchone()
    if row is None:
        return False, None
    return True, None if row[0] is None else text(row[0])


# An id no attack has (negative), compiled into a detail's SQL in place of the id asked for and
# then found among the parameters: where the id goes.
_SLOT = -7_301_482_163
# (the caller's key) -> (SQL, parameters, the id's position), or None where the id was not found
# exactly once (that queryset is compiled per request).
_DETAIL_SQL: dict = {}


def detail_by_id(key, build, pk: int, using: str, url: tuple[str, str]) -> tuple[bool, bytes | None]:
    """``detail(build(pk), url)`` without building and compiling the queryset on every request.

    Building the detail's queryset (visibility filters) and compiling it was a tenth of the
    detail's Python (docs/PERFORMANCE.md §18), for SQL that differs between requests only by
    the id. So ``build`` (an id -> the detail's queryset) is compiled once per ``key``, which
    must name everything the queryset depends on besides the id (the caller's: whether the
    user sees unpublished attacks); later requests put their id in its place. ``using``: the
    database the queryset would read (the router's choice, made per request)."""
    compiled = _DETAIL_SQL.get(key, False)
    if compiled is False:
        sql, params = rows_sql(build(_SLOT), ["id"])
        slots = [i for i, value in enumerate(params) if type(value) is int and value == _SLOT]
        compiled = (sql, tuple(params), slots[0]) if len(slots) == 1 else None
        _DETAIL_SQL[key] = compiled
    if compiled is None:
        return detail(build(pk).using(using), url)
    sql, params, slot = compiled
    return _detail_of(using, sql, (*params[:slot], pk, *params[slot + 1 :]), url)
