"""Responses cached under the data version: repeated reads cost one query until data changes.

The data version is the sequence ``strikes_data_version`` (strikes migration 0004, extended
by casualties migration 0005): every statement writing a table that lists, maps or timelines
read draws the next value. A response is cached under the version read *before* computing
it, so no answer is served after a write that came before that read. The one gap: an answer
computed while a write was uncommitted (its version already drawn) can be stored under that
write's version and served for at most the cache lifetime (seconds).

Inside a transaction (tests, or a caller that wrote in the same one) the cache is neither read
nor filled: the transaction may see its own uncommitted writes.
"""

import hashlib
import json

from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from config.replicas import read_alias
from strikes.models import Attack
from strikes.querysets import AttackQuerySet


def data_version() -> int:
    """The current data version (drawn by every statement writing what the API reads)."""
    with connections[read_alias(Attack)].cursor() as cursor:
        cursor.execute("SELECT last_value FROM strikes_data_version")
        return cursor.fetchone()[0]


def cache_key(request, kind: str) -> str | None:
    """The key for this request's answer, or None when it must not be cached.

    Everything an answer depends on besides the data: the query string (sorted), the time zone,
    whether the user sees unpublished attacks, and the scheme and host (links in the answer are
    absolute).
    """
    if connections[read_alias(Attack)].in_atomic_block:
        return None
    params = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
    identity = json.dumps(
        [
            kind,
            data_version(),
            params,
            str(timezone.get_current_timezone()),
            AttackQuerySet.shows_unpublished_to(request.user),
            request.scheme,
            request.get_host(),
        ]
    )
    return "sw:v:" + hashlib.sha256(identity.encode()).hexdigest()


def cached(request, kind: str, compute, seconds: int):
    """``compute()``'s result, cached for ``seconds`` (0: not cached) under the data version."""
    key = cache_key(request, kind) if seconds else None
    if key is None:
        return compute()
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, seconds)
    return value
