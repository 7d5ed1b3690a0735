"""/api/v1/feeds/ (staff only) and /api/v1/outlets/ (public, read-only)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sources.models import Feed
from tests.factories import ArticleFactory, FeedFactory, OutletFactory
from tests.sources.pages import rss

pytestmark = pytest.mark.django_db

FEEDS = reverse("api-feed-list")
OUTLETS = reverse("api-outlet-list")


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_analyst_registers_a_feed_and_it_is_polled_at_once(analyst, site, committed):
    url = site.page("/feeds/wire.xml", rss([]), content_type="application/rss+xml")

    with committed():
        response = client_for(analyst).post(FEEDS, {"url": url, "poll_interval_minutes": 30}, format="json")

    assert response.status_code == 201, response.content
    feed = Feed.objects.get(pk=response.json()["id"])
    assert feed.poll_interval_minutes == 30
    assert feed.last_status_code == 200
    assert site.hit_count("/feeds/wire.xml") == 1


def test_registering_the_same_feed_twice_is_a_400(analyst):
    client = client_for(analyst)
    client.post(FEEDS, {"url": "https://wire.example.org/rss"}, format="json")

    response = client.post(FEEDS, {"url": "https://WIRE.example.org/rss#x"}, format="json")

    assert response.status_code == 400
    assert "url" in response.json()
    assert Feed.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"url": "javascript:alert(1)"},
        {"url": "https://wire.example.org/rss", "poll_interval_minutes": 0},
        {"url": "https://wire.example.org/rss", "poll_interval_minutes": "often"},
        {"url": "https://wire.example.org/rss", "poll_interval_minutes": 10**12},
        {},
    ],
)
def test_bad_feed_input_is_a_400(body, analyst):
    assert client_for(analyst).post(FEEDS, body, format="json").status_code == 400
    assert Feed.objects.count() == 0


def test_analyst_pauses_and_resumes_a_feed(analyst, committed):
    feed = FeedFactory(url="http://169.254.169.254/feed.xml", is_active=True)
    detail = reverse("api-feed-detail", args=[feed.pk])
    client = client_for(analyst)

    assert client.patch(detail, {"is_active": False}, format="json").status_code == 200
    feed.refresh_from_db()
    assert not feed.is_active
    with committed():
        assert client.patch(detail, {"is_active": True}, format="json").status_code == 200
    feed.refresh_from_db()
    assert feed.is_active
    assert "link-local" in feed.last_error  # resuming polled it, and the refusal was recorded


def test_a_feed_url_cannot_be_changed(analyst):
    feed = FeedFactory()
    response = client_for(analyst).patch(
        reverse("api-feed-detail", args=[feed.pk]), {"url": "https://other.example.org/rss"}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", [None, "researcher"])
def test_feeds_are_for_staff_only(role, request):
    FeedFactory()
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)

    assert client.get(FEEDS).status_code in (401, 403)
    assert client.post(FEEDS, {"url": "https://wire.example.org/rss"}, format="json").status_code in (401, 403)
    assert Feed.objects.count() == 1


def test_feed_list_shows_state_and_counts(analyst):
    FeedFactory(last_error="Malformed feed: oops", items_seen=4, articles_created=3, is_active=False)

    row = client_for(analyst).get(FEEDS, {"is_active": "false"}).json()["results"][0]

    assert row["last_error"] == "Malformed feed: oops"
    assert (row["items_seen"], row["articles_created"]) == (4, 3)
    assert client_for(analyst).get(FEEDS, {"is_active": "maybe"}).status_code == 400


def test_outlets_are_public_with_grades_and_article_counts():
    outlet = OutletFactory(name="Kyiv Daily", domain="kyivdaily.example", grade="B")
    ArticleFactory.create_batch(2, outlet=outlet)
    OutletFactory(name="Other", grade="D")

    response = client_for().get(OUTLETS, {"grade": "B"})

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == "Kyiv Daily"
    assert row["article_count"] == 2
    assert row["grade_label"].startswith("B:")
    assert client_for().get(OUTLETS, {"name": "kyiv"}).json()["results"][0]["id"] == outlet.pk


@pytest.mark.parametrize("params", [{"grade": "Z"}, {"name": "a\u0000"}, {"bogus": "1"}])
def test_bad_outlet_filters_are_400(params):
    assert client_for().get(OUTLETS, params).status_code == 400


def test_outlets_cannot_be_written_through_the_api(editor):
    assert client_for(editor).post(OUTLETS, {"name": "New"}, format="json").status_code in (403, 405)
