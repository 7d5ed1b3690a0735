"""Keyset (cursor) pagination, every list's paging: signed cursors over any (key..., id)
ordering, including annotated sort keys, with row-value comparisons PostgreSQL serves from an
index; up to 1,000 rows a page. A page is asked in three steps (``window``, ``narrow``,
``finish``) so a caller that reads the rows itself (``strikes.api.plans``) pages as
``paginate_queryset`` does."""

import binascii
import datetime as dt
from typing import NamedTuple

from django.core import signing
from django.db.models import BooleanField, F, Func, Value
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.api import bad_parameter


class RowCompare(Func):
    """``(a, b, ...) < (x, y, ...)``: a row-value comparison, which PostgreSQL can answer
    from a multi-column index in one range scan (unlike the equivalent OR of ANDs)."""

    output_field = BooleanField()

    def __init__(self, left, op: str, right):
        if op not in ("<", ">"):
            raise ValueError(op)
        self.op, self.width = op, len(left)
        super().__init__(*left, *right)

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params.extend(p)
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"(({left}) {self.op} ({right}))", params


def _encode_value(value):
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"Cannot page on a value of type {type(value).__name__}")


def _decode_value(value):
    if isinstance(value, dict) and set(value) == {"dt"} and isinstance(value["dt"], str):
        return dt.datetime.fromisoformat(value["dt"])
    if isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError("bad value")


# Cursors are signed: only a cursor this server wrote is read back, so a hand-made one (keys
# of the wrong type, numbers beyond any column's range) is a 400, never a query.
_CURSOR_SALT = "config.api.KeysetPagination"
_PAGE_SIZE_MESSAGE = "page_size must be a whole number from 1 to 1000."


def _cursor_load(raw: str):
    """A cursor's data: today's untimed signature, or one from before it was dropped (a
    script paging across an upgrade keeps working); BadSignature for anything else."""
    if raw.count(":") >= 2:  # value:timestamp:signature, as signing.dumps wrote them
        return signing.loads(raw, salt=_CURSOR_SALT)
    return signing.Signer(salt=_CURSOR_SALT).unsign_object(raw)


class PageWindow(NamedTuple):
    """One page of a keyset-paged list: ``size`` rows ordered by ``names`` (``signature``),
    after the cursor's ``keys`` (None: from the start), read backwards when ``reverse``."""

    size: int
    names: tuple[str, ...]
    descending: bool
    signature: str
    keys: tuple | None
    reverse: bool


class KeysetPagination(pagination.BasePagination):
    """Cursor paging over the queryset's own ordering: stable under inserts, no depth limit.

    The queryset must be ordered by one or more keys in one direction ending with ``id``
    (``("-sort_key", "-id")``, ``("name", "id")``); no key may be NULL (order by a
    ``Coalesce`` annotation instead). The cursor holds the last row's keys, so the next
    page is ``WHERE (keys) < (cursor)``, an index range scan however deep the page.
    """

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise bad_parameter("page_size", _PAGE_SIZE_MESSAGE)
        return int(raw)

    @staticmethod
    def keys(queryset) -> tuple[list[str], bool]:
        """The queryset's ordering keys and whether they descend."""
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        names = [o.lstrip("-") for o in ordering]
        directions = {o.startswith("-") for o in ordering}
        if not names or names[-1] not in ("id", "pk") or len(directions) != 1:
            raise ValueError(f"KeysetPagination needs one direction ending with id, got {ordering}")
        return names, directions.pop()

    def _decode(self, request, signature: str):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            data = _cursor_load(raw)
            if data["o"] != signature:
                raise bad_parameter("cursor", "This cursor belongs to another ordering; start again without a cursor.")
            if not isinstance(data["k"], list) or not data["k"]:
                raise ValueError
            values = [_decode_value(v) for v in data["k"]]
            reverse = bool(data.get("r", False))
        except ValidationError:
            raise
        except (signing.BadSignature, ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise bad_parameter("cursor", "Invalid cursor; use the next or previous link as given.") from None
        return values, reverse

    def _encode(self, row, names, signature, reverse: bool) -> str:
        data = {"o": signature, "k": [_encode_value(getattr(row, name)) for name in names]}
        if reverse:
            data["r"] = 1
        # No timestamp in the signature (signing.dumps adds one): the same page always links to
        # the same next page, byte for byte, so responses can be compared and cached, and a test
        # crossing a second boundary no longer sees two different links to one page.
        return signing.Signer(salt=_CURSOR_SALT).sign_object(data, compress=True)

    def window(self, request, names, descending: bool) -> "PageWindow":
        """The page this request asks for over a list ordered by ``names`` (descending or
        not): its size and where it starts; a 400 for a bad ``page_size`` or cursor."""
        self.request = request
        size = self.get_page_size(request)
        names = tuple("id" if n == "pk" else n for n in names)
        signature = ",".join(("-" if descending else "") + n for n in names)
        cursor = self._decode(request, signature)
        if cursor is not None and len(cursor[0]) != len(names):
            raise bad_parameter("cursor", "Invalid cursor; use the next or previous link as given.")
        keys = None if cursor is None else tuple(cursor[0])
        return PageWindow(size, names, descending, signature, keys, bool(cursor and cursor[1]))

    @staticmethod
    def narrow(queryset, window: "PageWindow", keys):
        """``queryset`` cut to ``window``: past the cursor ``keys`` (the window's own, or other
        values of the same types; None: the first page), at most one row more than a page."""
        if keys is not None:
            # Forward past the cursor: smaller keys when descending; backward: the other side.
            op = "<" if window.descending != window.reverse else ">"
            queryset = queryset.filter(RowCompare([F(n) for n in window.names], op, [Value(v) for v in keys]))
        if window.reverse:
            queryset = queryset.reverse()
        return queryset[: window.size + 1]

    def finish(self, rows: list, window: "PageWindow") -> list:
        """The page's rows from ``narrow``'s, in order, its next and previous cursors set."""
        has_more = len(rows) > window.size
        rows = rows[: window.size]
        if window.reverse:
            rows.reverse()
        self.next_cursor = self.previous_cursor = None
        if rows:
            if has_more or window.reverse:
                self.next_cursor = self._encode(rows[-1], window.names, window.signature, reverse=False)
            if window.keys is not None and (has_more or not window.reverse):
                self.previous_cursor = self._encode(rows[0], window.names, window.signature, reverse=True)
        return rows

    def paginate_queryset(self, queryset, request, view=None):
        window = self.window(request, *self.keys(queryset))
        return self.finish(list(self.narrow(queryset, window, window.keys)), window)

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        return self._link(self.next_cursor)

    def get_previous_link(self):
        return self._link(self.previous_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page."},
                "previous": {**link, "description": "The previous page, or null on the first page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
