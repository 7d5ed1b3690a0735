"""The lean list page's statement, built and compiled once per request shape (docs/PERFORMANCE.md §31).

A JSON list page of the default shape (``strikes.api.lean``) spent a third of its Python on
building its filters as a Django queryset and compiling it (0.5-0.9 ms of 2.3-3.4): work that
gives the same SQL for every request naming the same filters with values of the same kinds,
only the parameters differing. So the statement is planned once per *shape* and later requests
of that shape bind their own values to it.

A request's shape (``filter_key`` and the page's ``window_key``): which filters it gives, the
kind of each value (an int, a text, a moment; a list's length), every value that can change
the SQL's text itself (booleans such as a date-only bound, ``ordering``, how a search walks its
postings: the filterset's ``plan_shape``), whether the user sees unpublished attacks, the zone,
the filterset class; the page size, whether a cursor is given and which way it reads. Its
*values*: every other value, in a fixed order (``_leaves``): the cleaned filter values (a list
both whole and element by element), the values a filter derives from them (``plan_values``: a
date's exclusive upper bound, lowered countries, the word a search walks), the cursor's keys and
the stored JSON's parameters.

The first request of a shape plans it: the statement is built twice, with the request's values
and with every value changed (``_perturb``: each by a different amount, every word of a text
with a capital added). The plan is kept only if both give the same SQL, every value changed
between the two, and every parameter is either the same in both and equal to none of the
request's values (a constant) or, in both, exactly one value (a slot): so no parameter comes
from a transformation the plan would not repeat (a lowered or rounded value, a bound computed
from a date, a word picked from a text). Otherwise the shape is marked unplanned and its
requests are built as before. Validation (every 400) is not part of the plan: it runs first.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import re
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet

from strikes.api import lean
from strikes.querysets import AttackQuerySet

# Filters whose value is part of the SQL's text (an ORDER BY), never a parameter.
STRUCTURAL = frozenset({"ordering"})
_WORD = re.compile(r"\w+")
_SCALARS = (int, float, str, decimal.Decimal, dt.datetime, dt.date)
# Plans (a shape's window each) kept per process; past it they are all dropped and made again:
# a bound on memory whatever the requests (a client varying page_size makes a window each).
MAX_PLANS = 2000


class Plan(NamedTuple):
    """A planned statement: its SQL, each parameter a constant or a ``Slot`` (a leaf's
    index), and the names of its columns (``lean.read``)."""

    sql: str
    params: tuple
    names: list[str]

    def bind(self, leaves: list) -> tuple:
        return tuple(p.bind(leaves) if type(p) is Slot else p for p in self.params)


class Slot(NamedTuple):
    """A parameter that is a leaf's value (``index``), or the leaf as ``wrap`` (a subclass of
    its type) wraps it: Django passes an integer column's value as psycopg's ``Int4(value)``."""

    index: int
    wrap: type | None = None

    def bind(self, leaves: list):
        value = leaves[self.index]
        return value if self.wrap is None else self.wrap(value)


class _Unplannable(Exception):
    """A value of a kind the planner does not know: the request is built as before."""


# filter key -> {"keys": (ordering names, descending), window key -> Plan or None}
_PLANS: dict = {}


def _structure(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_structure(v) for v in value))
    if isinstance(value, _SCALARS):
        return type(value).__name__
    raise _Unplannable


def filter_key(filterset, shows_unpublished: bool, zone: str) -> tuple | None:
    """The shape of ``filterset``'s cleaned request (None: not planned)."""
    shape = []
    try:
        for name, value in sorted(filterset.form.cleaned_data.items()):
            kind = ("=", value) if name in STRUCTURAL else _structure(value)
            shape.append((name, kind, filterset.plan_shape(name, value)))
    except _Unplannable:
        return None
    return (type(filterset), shows_unpublished, zone, tuple(shape))


def window_key(window) -> tuple:
    return (window.size, None if window.keys is None else len(window.keys), window.reverse)


def _leaves(filterset, data: dict, keys, body: tuple) -> list:
    """Every value the statement may take as a parameter, in an order fixed by the shape."""
    out: list = []

    def add(value):
        if value is None or isinstance(value, bool):
            return
        out.append(value)
        if isinstance(value, (list, tuple)):
            for v in value:
                add(v)

    for name, value in sorted(data.items()):
        if name in STRUCTURAL:
            continue
        add(value)
        for derived in filterset.plan_values(name, value):
            add(derived)
    add(keys)
    add(body)
    return out


def _perturb(value, steps):
    """``value`` with every leaf changed, each by a different amount (``steps`` counts them)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_perturb(v, steps) for v in value)
    n = next(steps)
    if isinstance(value, int):
        return value + 7919 * n
    if isinstance(value, (float, decimal.Decimal)):
        return value + type(value)(n) / 16
    if isinstance(value, str):
        # Every word changed, with a capital: a lowered value no longer matches, and a value
        # derived from any word of a text (the word a search walks) changes too.
        changed = _WORD.sub(lambda word: word.group(0) + "Q" * n, value)
        return changed if changed != value else value + "Q" * n
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(days=37 * n, seconds=11 * n)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=37 * n)
    raise _Unplannable


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _wrapper(leaf, param) -> type | bool | None:
    """None: ``param`` is ``leaf``'s value; a type: it is ``type(param)(leaf)``, a subclass of
    the leaf's own (an integer as psycopg's Int4); False: neither."""
    if _same(leaf, param):
        return None
    kind = type(param)
    if kind is type(leaf) or not issubclass(kind, type(leaf)):
        return False
    try:
        return kind if _same(kind(leaf), param) else False
    except (TypeError, ValueError):  # a subclass that takes no such value (an enumeration)
        return False


def _plan(first: tuple, second: tuple, leaves1: list, leaves2: list) -> Plan | None:
    """The plan from two statements built with ``leaves1`` and ``leaves2``, or None."""
    (sql1, params1, names), (sql2, params2, _names) = first, second
    if sql1 != sql2 or len(params1) != len(params2):
        return None
    if any(_same(l1, l2) for l1, l2 in zip(leaves1, leaves2, strict=True)):
        return None  # a value derived so that the change did not reach it: it cannot be told apart
    params = []
    for p1, p2 in zip(params1, params2, strict=True):
        if _same(p1, p2):
            if any(_wrapper(leaf, p1) is not False for leaf in leaves1):
                return None  # a constant equal to a value: the value may have made it
            params.append(p1)
            continue
        slots = []
        for i, (l1, l2) in enumerate(zip(leaves1, leaves2, strict=True)):
            wrap = _wrapper(l1, p1)
            if wrap is not False and _wrapper(l2, p2) == wrap:
                slots.append(Slot(i, wrap))
        if len(slots) != 1:
            return None
        params.append(slots[0])
    return Plan(sql1, tuple(params), names)


def page_rows(view, filterset, shape) -> tuple[list, object] | None:
    """(the page's rows, as ``lean.read`` gives them, and its window) for the lean JSON list,
    from the plan of this request's shape (planned now if new); None where the request is not
    planned (build it as before). Raises the paginator's 400s."""
    request, paginator = view.request, view.paginator
    fkey = filter_key(filterset, AttackQuerySet.shows_unpublished_to(request.user), str(shape.tz))
    if fkey is None:
        return None
    entry = _PLANS.get(fkey)
    if entry is None:
        _make_room()
        queryset = filterset.filter_queryset(filterset.queryset.all())
        entry = _PLANS[fkey] = {"keys": paginator.keys(queryset)}
    window = paginator.window(request, *entry["keys"])
    using = filterset.queryset.db
    data = filterset.form.cleaned_data
    body = lean.body_params(shape.url)
    leaves = _leaves(filterset, data, window.keys, body)
    wkey = window_key(window)
    plan = entry.get(wkey, False)
    if plan is False:
        if _make_room():
            entry = _PLANS[fkey] = {"keys": entry["keys"]}
        plan = entry[wkey] = _make(view, filterset, shape, window, body, leaves)
    if plan is None:
        return None
    lean.flush(using)
    return lean.read(using, plan.sql, plan.bind(leaves), plan.names), window


def _make_room() -> bool:
    """Drop every plan when ``MAX_PLANS`` entries are kept (True: they were dropped)."""
    if sum(len(entry) for entry in _PLANS.values()) < MAX_PLANS:
        return False
    _PLANS.clear()
    return True


def _make(view, filterset, shape, window, body: tuple, leaves: list) -> Plan | None:
    """The plan of this request's shape, from the statement built with its values (``body``:
    the stored JSON's parameters) and with every value changed; None: the shape is built per
    request."""
    data = filterset.form.cleaned_data
    steps = itertools.count(1)
    try:
        other = {name: value if name in STRUCTURAL else _perturb(value, steps) for name, value in data.items()}
        other_keys, other_body = _perturb(window.keys, steps), _perturb(body, steps)
        first = _statement(view, filterset, data, window, window.keys, body, shape)
        second = _statement(view, filterset, other, window, other_keys, other_body, shape)
    except (EmptyResultSet, _Unplannable, OverflowError, ValueError, TypeError):
        # Django knows no row matches, or a changed value is out of its kind's range (a moment
        # past year 9999): built per request, where the request's own values decide.
        return None
    if first is None or second is None:
        return None
    return _plan(first, second, leaves, _leaves(filterset, other, other_keys, other_body))


def _statement(view, filterset, data: dict, window, keys, body: tuple, shape):
    """The lean page's statement built from ``data`` (cleaned values), the cursor ``keys`` and
    the stored JSON's parameters ``body``, as the unplanned path builds it."""
    probe = filterset.with_cleaned_data(data)
    queryset = probe.filter_queryset(probe.queryset.all())
    rows = lean.rows(queryset, shape.url, params=body)
    return lean.statement(view.paginator.narrow(rows, window, keys))
