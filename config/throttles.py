"""The API's throttles: DRF's rates, counted in a window per client with O(1) state.

DRF's ``SimpleRateThrottle`` keeps every request time of the window in one cache value, read and
written whole on every request: at the benchmark's rate thousands of floats pickled and sent to
Redis twice per request, half of a detail's Python (docs/PERFORMANCE.md §15). Here a client's
state is one integer, counted by one atomic Redis script (one round trip) or by the cache's
atomic ``add``/``incr`` elsewhere. The limits are the same numbers (``THROTTLE_ANON``,
``THROTTLE_USER``), read per request; over them, 429 with ``Retry-After``.
"""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling
from rest_framework.settings import api_settings

# One atomic step per request on Redis: count this request in the client's window, start the
# window (its expiry) on the window's first request, and say how long the window has left.
# A key found without an expiry (never written so by this code) is given one: a window always ends.
_WINDOW_LUA = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {n, left}
"""


def _redis_window_script(backend):
    """The window script bound to a client of ``backend``'s connection pool, made once per cache
    object: Django's ``get_client()`` builds a new client (and its ~170 response callbacks) for
    every call, a cost the throttle would pay on every request."""
    script = getattr(backend, "_throttle_window_script", None)
    if script is None:
        import redis

        client = redis.Redis(connection_pool=backend._cache._get_connection_pool(True))
        script = backend._throttle_window_script = client.register_script(_WINDOW_LUA)
    return script


def window_hit(backend, key: str, duration: int, now: float) -> tuple[int, float]:
    """Count one request in ``key``'s window of ``duration`` seconds, which starts at the first
    request counted in it: (requests counted in the window so far, this one included; seconds
    until the window ends and the count starts again from nothing).

    State is one integer per client whatever the rate (DRF's throttles keep a list of every
    request time in the window, read and written whole per request). On Redis one atomic script
    (one round trip); on another cache its atomic ``add``/``incr``, the window's end beside it."""
    if isinstance(backend, RedisCache):
        count, left_ms = _redis_window_script(backend)(
            keys=[backend.make_and_validate_key(key)], args=[duration * 1000]
        )
        return int(count), int(left_ms) / 1000
    end_key = key + ":end"
    for _ in range(3):
        if backend.add(key, 1, duration):
            backend.set(end_key, now + duration, duration)
            return 1, float(duration)
        try:
            count = backend.incr(key)
        except ValueError:  # the window ended between add() and incr(): this request starts the next
            continue
        end = backend.get(end_key)
        return count, float(duration) if end is None else max(end - now, 0.0)
    raise RuntimeError("The throttle counter could not be written.")


class _RatesAtRequestTime:
    """DRF reads throttle rates once at import; reading them per request lets settings
    (and tests) change them without a restart."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _WindowCounter:
    """DRF's rate (``"120/min"``: ``num_requests`` per ``duration``) counted in a window per
    client instead of a list of request times: at most ``num_requests`` requests are answered
    in a window, which opens at the client's first request and lasts ``duration``; over it, 429
    with ``Retry-After`` the seconds until the window ends. O(1) state and one cache round trip
    per request (docs/PERFORMANCE.md §15). Unlike DRF's sliding history, a client that uses its
    whole budget at a window's end can use the next at once: at most twice the rate over any
    ``duration``, never more, and the same ``num_requests`` per window."""

    # Not DRF's key: its value (a list) would be read as a count by a process of the other kind.
    cache_format = "throttle_window_%(scope)s_%(ident)s"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        count, self.left = window_hit(self._backend(), self.key, self.duration, self.now)
        return count <= self.num_requests

    def _backend(self):
        # The cache object itself, not Django's module-level proxy to it (DRF's default): the
        # Redis path needs the backend's class and connection pool.
        return caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache

    def wait(self):
        return self.left


class AnonThrottle(_WindowCounter, _RatesAtRequestTime, throttling.AnonRateThrottle):
    """Anonymous clients, per IP address (set NUM_PROXIES behind a proxy)."""


class UserThrottle(_WindowCounter, _RatesAtRequestTime, throttling.UserRateThrottle):
    """Signed-in clients (token or session), per user."""

    def get_cache_key(self, request, view):
        # Anonymous requests are AnonThrottle's business; counting them here too would
        # let the user rate cap anonymous clients when it is the lower of the two.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
