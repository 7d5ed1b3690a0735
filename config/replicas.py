"""Public reads on PostgreSQL read replicas; everything else on the primary.

With ``DATABASE_REPLICA_URLS`` set (settings: the aliases ``replica_0``, ``replica_1``...),
``ReplicaRouter`` sends a read to a replica only when all of these hold:

- it happens inside a request that ``ReplicaMiddleware`` marked as a *public read*: a GET or
  HEAD (without ``as_of``, which needs temporary tables) by someone who does not see
  unpublished data (anonymous or researcher), who has not written anything in the last
  ``REPLICA_READ_YOUR_WRITES_SECONDS`` (so a writer's next pages show their own write), and
- the replica answers and lags the primary by at most ``REPLICA_MAX_LAG_SECONDS`` (checked at
  most once a second per process and replica; a replica that fails or falls behind is skipped
  until the next check).

Writes, staff requests, Celery tasks, management commands and authentication (sessions, users,
tokens: the first reads of any request) always use the primary. Migrations run on the primary
only; replicas receive them by streaming replication.

The decision is taken lazily, at the request's first read of data, because an API client's user
is known only after DRF has authenticated the request (itself a read, of the token, on the primary).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
# Reads that must see the latest state whatever the request: who is asking, and their session.
_AUTH_APPS = frozenset({"auth", "authtoken", "sessions", "contenttypes", "admin", "axes"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WROTE_COOKIE = "sw_wrote"


def replica_aliases() -> list[str]:
    """The configured replica aliases, in order."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@dataclass
class _RequestRoute:
    """What the middleware knows of the request, and the router's decision once taken."""

    request: object
    public_read: bool
    alias: str | None = None


_route: contextvars.ContextVar[_RequestRoute | None] = contextvars.ContextVar("replica_route", default=None)

# alias -> (checked at, usable)
_health: dict[str, tuple[float, bool]] = {}

_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


def replica_lag(alias: str) -> float | None:
    """Seconds the replica's replay is behind (0 when it has replayed all it received); None
    when the server is not a replica. Raises DatabaseError when it cannot be asked."""
    with connections[alias].cursor() as cursor:
        cursor.execute(_LAG_SQL)
        lag = cursor.fetchone()[0]
    return None if lag is None else float(lag)


def replica_usable(alias: str, *, now: float | None = None) -> bool:
    """Whether ``alias`` answers and is at most ``REPLICA_MAX_LAG_SECONDS`` behind (cached 1 s)."""
    now = time.monotonic() if now is None else now
    checked = _health.get(alias)
    if checked and now - checked[0] < settings.REPLICA_HEALTH_SECONDS:
        return checked[1]
    try:
        lag = replica_lag(alias)
        usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            logger.warning("Replica %s not used: lag %s s", alias, lag)
    except DatabaseError:
        logger.warning("Replica %s not answering", alias, exc_info=True)
        connections[alias].close()
        usable = False
    _health[alias] = (now, usable)
    return usable


def _writer_key(request) -> str | None:
    """The cache key marking a recent writer: by user, else by API token (hashed)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"sw:wrote:user:{user.pk}"
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "sw:wrote:auth:" + hashlib.sha256(auth.encode()).hexdigest()
    return None


def _recent_writer(request) -> bool:
    if request.COOKIES.get(WROTE_COOKIE):
        return True
    key = _writer_key(request)
    return bool(key and cache.get(key))


def _choose(route: _RequestRoute) -> str:
    from config.roles import can_see_unpublished

    request = route.request
    if not route.public_read or can_see_unpublished(getattr(request, "user", None)) or _recent_writer(request):
        return PRIMARY
    candidates = replica_aliases()
    random.shuffle(candidates)
    return next((alias for alias in candidates if replica_usable(alias)), PRIMARY)


class ReplicaRouter:
    """Routes public reads to a usable replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or model._meta.app_label in _AUTH_APPS:
            return PRIMARY
        if route.alias is None:
            route.alias = _choose(route)
        return route.alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def read_alias(model) -> str:
    """The alias a raw SQL read of ``model``'s data should use (the router's choice)."""
    from django.db import router

    return router.db_for_read(model)


def _routed(route: _RequestRoute, chunks):
    # Restored by value, not by token: the server may close this generator from another context.
    previous = _route.get()
    _route.set(route)
    try:
        yield from chunks
    finally:
        _route.set(previous)


class ReplicaMiddleware:
    """Marks public reads for the router, and remembers writers for a few seconds.

    A successful write (any non-safe method answered below 400) sets a short-lived cookie for
    browsers and a cache entry for API clients (by user, else by token): their next reads go to
    the primary, so they see what they just wrote even while a replica catches up. With
    several web processes the cache must be shared (``CACHE_BACKEND`` Redis) for API clients;
    browsers carry the cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        # ``as_of`` answers build per-request temporary tables, which a hot standby cannot create.
        public_read = request.method in SAFE_METHODS and "as_of" not in request.GET
        route = _RequestRoute(request=request, public_read=public_read)
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if getattr(response, "streaming", False):
            # An export reads while the server sends it, after this returns: same route.
            response.streaming_content = _routed(route, response.streaming_content)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            seconds = settings.REPLICA_READ_YOUR_WRITES_SECONDS
            response.set_cookie(WROTE_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax")
            key = _writer_key(request)
            if key:
                cache.set(key, 1, seconds)
        return response
