"""Full-text search over attacks, newest first, without sorting every match (issue 19).

``q=`` means ``search_vector @@ websearch_to_tsquery(SEARCH_CONFIG, q)``, and that stays the
definition. The GIN index answers it as an unordered set, so "the newest 100 attacks
mentioning *school*" fetched every match (~10,000 at a million attacks) and sorted them.
``strikes_attack_term`` (migration 0012, ``AttackTerm``) holds every lexeme of every attack's
vector with the attack's ``occurred_at``, indexed by ``(term, occurred_at DESC, attack_id
DESC)``. When the list is ordered by date and nothing else narrows it
(``AttackFilterSet._walks_postings``), the attacks are joined to the postings of one word every
match must contain and ordered by the posting's date::

    FROM strikes_attack a JOIN strikes_attack_term t ON t.attack_id = a.id
    WHERE t.term = 'school' AND <visibility> [AND COALESCE(a.search_vector @@ q, false)]
    ORDER BY t.occurred_at DESC, a.id DESC LIMIT 101

The index range *is* that order (``a.id = t.attack_id``), so the page is the first ~100
postings, each checked against its attack's row, with no sort. One join column only, and the
date taken from the posting: with a second equality (``t.occurred_at = a.occurred_at``) the
planner multiplies two selectivities for one 1:1 link, expects one row, and sorts.

Why the answer is unchanged: the triggers keep a posting's date equal to its attack's in the
same transaction, and the posting is a necessary condition of the ``@@``, which is still
checked on each row, except for a query that is one plain lexeme, where "the vector holds it"
is exactly the ``@@``. The word must be in every match: for ``a b`` or a phrase, any of its
words; for ``a or b``, only a word both sides require; for ``-a``, none (negated words are
never required). The ``@@`` on the row is written ``COALESCE(@@, false)``, the same truth for
a WHERE, which the planner can neither serve from the GIN index nor estimate from the
vector's statistics: counted as independent of the posting, the ``@@`` of "school -kindergarten"
would make it expect ~10 rows of ~1,000 and fetch and sort every match again.

A later page skips the postings before its cursor: page *k* probes ~100·*k* attacks, still
without a sort. Queries without a required word (``a or b``, ``-a``, only stop words), and
those whose required words are expected together in few attacks ("school kindergarten":
the GIN index's intersection is the small set to sort), keep the plain ``@@`` (``plan``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce

from strikes.services import SEARCH_CONFIG

# Postings counted per word when choosing the rarest: enough to tell a word in 0.01 % of
# attacks from one in 1 %, without reading a very common word's whole posting list.
COUNT_CAP = 5000
# Several required words: walk the rarest only if, taken as independent, they should match at
# least this many attacks (two pages); fewer, and the GIN index finds them directly.
WALK_MIN = 200

_TOKEN = re.compile(r"\s*(?:(?P<lexeme>'(?:[^']|'')*')(?P<suffix>:[*A-Da-d]+)?|(?P<op><->|<\d+>|[!&|()]))")


class QuerySyntaxError(ValueError):
    """The text of a tsquery was not in the form PostgreSQL prints it."""


@dataclass(frozen=True)
class Node:
    """A parsed tsquery: ``op`` is "lexeme", "!", "&", "|" or "<->" (any phrase distance)."""

    op: str
    children: tuple[Node, ...] = ()
    lexeme: str = ""
    exact: bool = True  # a lexeme without prefix (:*) or weight (:A) restriction


def tokenize(text: str) -> list[tuple[str, str, bool]]:
    """(kind, value, exact) tokens of a tsquery as PostgreSQL prints it."""
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise QuerySyntaxError(f"Unexpected text in tsquery at {pos}: {text[pos : pos + 20]!r}")
        if m.group("lexeme"):
            tokens.append(("lexeme", m.group("lexeme")[1:-1].replace("''", "'"), not m.group("suffix")))
        else:
            op = m.group("op")
            tokens.append(("op", "<->" if op.startswith("<") else op, True))
        pos = m.end()
    return tokens


def parse(text: str) -> Node | None:
    """The tree of a tsquery's text (None for the empty query). Precedence as PostgreSQL's:
    ``!`` binds tightest, then phrase (``<->``, ``<N>``), then ``&``, then ``|``."""
    tokens = tokenize(text)
    if not tokens:
        return None
    pos = 0

    def peek() -> str | None:
        return tokens[pos][1] if pos < len(tokens) and tokens[pos][0] == "op" else None

    def binary(op: str, operand):
        nonlocal pos
        node = operand()
        while peek() == op:
            pos += 1
            node = Node(op, (node, operand()))
        return node

    def unary() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise QuerySyntaxError("tsquery ends after an operator")
        kind, value, exact = tokens[pos]
        pos += 1
        if kind == "lexeme":
            return Node("lexeme", lexeme=value, exact=exact)
        if value == "!":
            return Node("!", (unary(),))
        if value == "(":
            node = disjunction()
            if peek() != ")":
                raise QuerySyntaxError("unbalanced parenthesis in tsquery")
            pos += 1
            return node
        raise QuerySyntaxError(f"unexpected operator {value!r} in tsquery")

    def phrase() -> Node:
        return binary("<->", unary)

    def conjunction() -> Node:
        return binary("&", phrase)

    def disjunction() -> Node:
        return binary("|", conjunction)

    tree = disjunction()
    if pos != len(tokens):
        raise QuerySyntaxError("trailing text in tsquery")
    return tree


def required(node: Node | None) -> frozenset[str]:
    """Lexemes every document matching ``node`` contains (a necessary condition only)."""
    if node is None:
        return frozenset()
    if node.op == "lexeme":
        return frozenset({node.lexeme}) if node.exact else frozenset()
    if node.op == "!":
        return frozenset()
    left, right = (required(child) for child in node.children)
    return left & right if node.op == "|" else left | right


@dataclass(frozen=True)
class Plan:
    """How to search: the word whose postings drive the walk (None: the plain ``@@``, through
    the GIN index), and whether the query is that one word alone (then the posting is the
    whole condition)."""

    term: str | None
    alone: bool = False


@lru_cache(maxsize=4096)
def plan(text: str, using: str = "default") -> Plan:
    """The search plan for websearch text ``text``: PostgreSQL parses and stems it exactly as
    the ``@@`` does.

    One required word (alone, or with negated or optional words): walk its postings. Several
    (``a b``, a phrase): walk the rarest only when the words, taken as independent, should
    still match at least ``WALK_MIN`` attacks; fewer, and the GIN index's intersection of the
    words is the small set to sort ("school kindergarten"), where a walk would read every
    posting of the rarer word to find a handful.

    Kept per process: the parse is fixed for a configuration, and a choice made stale by new
    data still gives the same rows (the ``@@`` decides), only a slower plan; a repeated search
    costs no round trip for its plan.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [SEARCH_CONFIG, text])
        try:
            tree = parse(cursor.fetchone()[0])
        except QuerySyntaxError:
            # A form this parser does not know (a future PostgreSQL's printing): the plain @@,
            # slower but the same rows, never an error for the user.
            return Plan(None)
        words = sorted(required(tree))
        if not words:
            return Plan(None)
        if len(words) == 1:
            return Plan(words[0], alone=tree.op == "lexeme")
        cursor.execute(
            "SELECT w, (SELECT count(*) FROM (SELECT 1 FROM strikes_attack_term t WHERE t.term = w LIMIT %s) c),"
            " (SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'strikes_attack'::regclass)"
            " FROM unnest(%s::text[]) AS w ORDER BY 2, 1",
            [COUNT_CAP, words],
        )
        counts = cursor.fetchall()
    total = max(counts[0][2], *(count for _w, count, _t in counts))  # reltuples is -1 before ANALYZE
    expected = total
    for _word, count, _total in counts:
        expected *= count / total
    return Plan(counts[0][0] if expected >= WALK_MIN else None)


def by_date(queryset, matches: Q, text: str):
    """``queryset`` filtered by ``matches`` (the ``@@``) for a list ordered by date, and the
    posting's date to order by (None: order by the attack's own, the plain search)."""
    search = plan(text, using=queryset.db)
    if search.term is None:
        return queryset.filter(matches), None
    queryset = queryset.filter(terms__term=search.term)
    if not search.alone:
        queryset = queryset.filter(Coalesce(ExpressionWrapper(matches, output_field=BooleanField()), Value(False)))
    return queryset, F("terms__occurred_at")
