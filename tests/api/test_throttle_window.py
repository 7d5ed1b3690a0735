"""The API throttles count requests in a window per client, with O(1) state (config.api).

Expected numbers are written out: a rate of N per period answers exactly N requests of a
client in a window, then 429 with Retry-After the seconds left; a new window starts afresh;
each client (address, or user) has its own window; on Redis the state is one integer however
many requests were counted, and concurrent requests are each counted once.
"""

import threading
import time
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from rest_framework.test import APIClient

from config.throttles import window_hit
from tests.api.conftest import client_for
from tests.conftest import redis_available, require

pytestmark = pytest.mark.django_db


def _rates(settings, anon: str, user: str = "1000/min") -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}


def test_the_limit_holds_exactly_and_the_429_says_when_to_come_back(settings):
    _rates(settings, "5/min")
    client = APIClient(REMOTE_ADDR="10.1.0.1")
    url = reverse("api-attack-list")
    codes = [client.get(url, {"fields": "id"}).status_code for _ in range(7)]
    assert codes == [200, 200, 200, 200, 200, 429, 429]
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 55 <= int(refused["Retry-After"]) <= 60  # the minute's window, opened a moment ago
    assert "Expected available in" in refused.json()["detail"]


def test_a_new_window_gives_the_whole_budget_again(settings):
    _rates(settings, "2/s")
    client = APIClient(REMOTE_ADDR="10.1.0.2")
    url = reverse("api-attack-list")
    assert [client.get(url, {"fields": "id"}).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url)["Retry-After"] == "1"
    time.sleep(1.1)
    assert [client.get(url, {"fields": "id"}).status_code for _ in range(3)] == [200, 200, 429]


def test_each_address_and_each_user_has_its_own_window(settings, researcher, editor):
    _rates(settings, "1/min", "2/min")
    url = reverse("api-map")
    first, second = APIClient(REMOTE_ADDR="10.1.0.3"), APIClient(REMOTE_ADDR="10.1.0.4")
    assert [first.get(url).status_code for _ in range(2)] == [200, 429]
    assert [second.get(url).status_code for _ in range(2)] == [200, 429]
    # Signed in from the throttled address: the user's budget (2), not the address's.
    rosa = client_for(researcher)
    rosa.defaults["REMOTE_ADDR"] = "10.1.0.3"
    assert [rosa.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client_for(editor).get(url).status_code == 200


def test_a_forged_forwarded_for_header_buys_no_new_window(settings):
    _rates(settings, "2/min")
    client = APIClient(REMOTE_ADDR="10.1.0.5")
    url = reverse("api-attack-list")
    codes = [client.get(url, {"fields": "id"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 429, 429]


# --- on Redis, as production runs it ---


@pytest.fixture
def redis_cache(settings):
    require(redis_available(), f"Redis is not reachable at {settings.REDIS_URL}")
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_on_redis_a_window_counts_each_request_and_ends(redis_cache):
    key = "throttle_window_anon_10.2.0.1"
    hits = [window_hit(redis_cache, key, 1, time.time()) for _ in range(4)]
    assert [count for count, _ in hits] == [1, 2, 3, 4]
    assert all(0 < left <= 1 for _, left in hits)
    time.sleep(1.1)
    assert window_hit(redis_cache, key, 1, time.time())[0] == 1


def test_on_redis_the_state_is_one_integer_however_many_requests(redis_cache):
    key = "throttle_window_anon_10.2.0.2"
    for _ in range(500):
        window_hit(redis_cache, key, 60, time.time())
    raw = redis_cache._cache.get_client(write=False)
    stored = redis_cache.make_and_validate_key(key)
    assert raw.get(stored) == b"500"
    assert 59_000 < raw.pttl(stored) <= 60_000


def test_on_redis_concurrent_requests_are_each_counted_once(redis_cache):
    key = "throttle_window_anon_10.2.0.3"
    counts, lock = [], threading.Lock()

    def hit_ten():
        for _ in range(10):
            count, _ = window_hit(redis_cache, key, 60, time.time())
            with lock:
                counts.append(count)

    threads = [threading.Thread(target=hit_ten) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 81))


def test_through_the_api_on_redis(settings, redis_cache):
    require(redis_available(), f"Redis is not reachable at {settings.REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": redis_cache.key_prefix,
        }
    }
    _rates(settings, "3/min")
    url = reverse("api-attack-list")
    client = APIClient(REMOTE_ADDR="10.2.0.4")
    assert [client.get(url, {"fields": "id"}).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert 55 <= int(client.get(url)["Retry-After"]) <= 60
    assert APIClient(REMOTE_ADDR="10.2.0.5").get(url, {"fields": "id"}).status_code == 200
