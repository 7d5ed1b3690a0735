"""Hardening that a deployment relies on: throttles key on the real client address."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_throttle(settings):
    # With no proxy in front (the default), X-Forwarded-For is whatever the client typed:
    # rotating it must not buy a fresh budget.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "5/min"}}
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    url = reverse("api-attack-list")
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(1, 5)]
    assert codes == [200, 200, 429, 429]


def test_behind_one_proxy_the_client_address_comes_from_the_last_forwarded_hop(settings):
    # API_NUM_PROXIES=1: the proxy appends the address it saw; that hop is the client.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "5/min"},
    }
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    url = reverse("api-attack-list")
    first = [proxy.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(3)]
    assert first == [200, 200, 429]
    # A different real client behind the same proxy has its own budget, even when it
    # forges a leading hop (the proxy's appended hop is the one trusted).
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2").status_code == 200


# --- planted-bug guards (issue 20): expected values written out ---


def test_a_trailing_dot_in_the_host_names_the_same_article():
    from sources.canonical import url_canonical, url_host

    assert url_canonical("https://News.Example.org./a/1?utm_source=x") == "https://news.example.org/a/1"
    assert url_canonical("https://news.example.org/a/1") == "https://news.example.org/a/1"
    assert url_host("https://news.example.org./a/1") == "news.example.org"


def test_about_n_means_ten_per_cent_either_side_at_least_one():
    from extraction.numbers import bounds

    assert bounds(40, "about") == (36, 44)
    assert bounds(3, "about") == (2, 4)
    assert bounds(0, "about") == (0, 1)
    assert bounds(12, "exact") == (12, 12)
    assert bounds(12, "at_least") == (12, None)
    assert bounds(12, "more_than") == (13, None)
    assert bounds(12, "up_to") == (0, 12)


def test_each_figure_mode_reports_its_own_numbers():
    from casualties.reconcile import figure_mode

    facts = {
        "status": "disputed",
        "best": 7,
        "low": 5,
        "high": 9,
        "claim_ids": [3, 4],
        "conservative": 5,
        "range_low": 4,
        "range_high": None,
    }
    assert figure_mode("conservative", **facts) == {
        "best": 5,
        "low": 5,
        "high": 5,
        "status": "disputed",
        "disputed": True,
        "claim_ids": [3, 4],
    }
    assert figure_mode("decided", **facts) == {
        "best": 7,
        "low": 5,
        "high": 9,
        "status": "disputed",
        "disputed": True,
        "claim_ids": [3, 4],
    }
    assert figure_mode("range", **facts) == {
        "best": 7,
        "low": 4,
        "high": None,
        "status": "disputed",
        "disputed": True,
        "claim_ids": [3, 4],
    }
    with pytest.raises(ValueError):
        figure_mode("generous", **facts)


def test_the_later_report_weighs_more_when_rank_and_outlet_are_equal():
    import datetime as dt

    from casualties.reconcile import ClaimFacts

    morning = dt.datetime(2025, 5, 1, 8, 0, tzinfo=dt.UTC)
    evening = dt.datetime(2025, 5, 1, 20, 0, tzinfo=dt.UTC)
    early = ClaimFacts(id=1, value=4, reported_at=morning, grade="B")
    late = ClaimFacts(id=2, value=6, reported_at=evening, grade="B")
    undated = ClaimFacts(id=3, value=9, grade="B")
    heaviest_first = sorted([undated, early, late], key=ClaimFacts.weight_key)
    assert [c.id for c in heaviest_first] == [2, 1, 3]
