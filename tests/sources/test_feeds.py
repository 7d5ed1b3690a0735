"""Feeds: RSS and Atom items become articles; conditional GET; one bad feed does not stop the others."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sources.models import Article, Feed
from sources.services import article_submit_url, feed_create, feed_poll, feeds_poll_due
from tests.sources.pages import Response, article_html, atom, rss

pytestmark = pytest.mark.django_db

PARAGRAPH = "Air defence forces shot down {n} drones over the region overnight, the regional governor said."


def serve_story(site, path: str, n: int) -> str:
    return site.page(path, article_html(f"Story {n}", PARAGRAPH.format(n=n), f"Item number {n} in the feed."))


def make_feed(site, path, body, committed, **response) -> Feed:
    url = site.page(path, body, content_type=response.pop("content_type", "application/rss+xml"), **response)
    with committed():
        feed = feed_create(url=url, poll_interval_minutes=15)
    feed.refresh_from_db()
    return feed


def test_rss_items_with_relative_links_become_fetched_articles(site, committed):
    serve_story(site, "/news/1", 1)
    serve_story(site, "/news/2", 2)
    body = rss([("First", "/news/1"), ("Second", "news/2?utm_source=rss")])

    feed = make_feed(site, "/feeds/rss.xml", body, committed)

    articles = Article.objects.filter(feed=feed).order_by("canonical_url")
    assert [a.canonical_url for a in articles] == [site.url("/feeds/news/2"), site.url("/news/1")]
    assert site.hit_count("/news/1") == 1
    assert {a.origin for a in articles} == {"feed"}
    assert feed.last_status_code == 200 and feed.last_error == ""
    assert feed.items_seen == 2 and feed.articles_created == 2
    assert feed.title == "Test wire"
    first = Article.objects.get(canonical_url=site.url("/news/1"))
    assert first.status == "fetched"
    assert "shot down 1 drones" in first.text


def test_atom_entries_resolve_against_xml_base(site, committed):
    serve_story(site, "/atom/e1.html", 1)
    body = atom([("Entry one", "e1.html")], base=site.url("/atom/"))

    feed = make_feed(site, "/feeds/atom.xml", body, committed, content_type="application/atom+xml")

    article = Article.objects.get(feed=feed)
    assert article.canonical_url == site.url("/atom/e1.html")
    assert article.status == "fetched"
    assert article.title == "Story 1"  # the page's own title wins over the feed's


def test_second_poll_uses_etag_and_gets_304(site, committed):
    serve_story(site, "/news/1", 1)
    body = rss([("First", "/news/1")])

    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Response(304, b"", content_type="")
        return Response(body=body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    site.add("/feeds/etag.xml", conditional)
    with committed():
        feed = feed_create(url=site.url("/feeds/etag.xml"))
    feed.refresh_from_db()
    assert feed.etag == '"v1"'

    with committed():
        result = feed_poll(feed_id=feed.pk, force=True)

    feed.refresh_from_db()
    assert result.outcome == "not_modified"
    assert feed.last_status_code == 304
    assert site.hits[-1][1].get("If-None-Match") == '"v1"'
    assert Article.objects.filter(feed=feed).count() == 1
    assert site.hit_count("/news/1") == 1


def test_second_poll_uses_last_modified(site, committed):
    stamp = "Thu, 24 Apr 2025 06:00:00 GMT"

    def conditional(handler):
        if handler.headers.get("If-Modified-Since") == stamp:
            return Response(304, b"", content_type="")
        return Response(body=rss([]), content_type="application/rss+xml", headers={"Last-Modified": stamp})

    site.add("/feeds/lm.xml", conditional)
    with committed():
        feed = feed_create(url=site.url("/feeds/lm.xml"))
    feed_poll(feed_id=feed.pk, force=True)

    feed.refresh_from_db()
    assert feed.last_modified == stamp
    assert feed.last_status_code == 304


def test_malformed_feed_records_the_error_and_other_feeds_go_on(site, committed):
    serve_story(site, "/a/1", 1)
    serve_story(site, "/b/1", 2)
    good_a = site.page("/feeds/a.xml", rss([("A", "/a/1")]), content_type="application/rss+xml")
    broken = site.page(
        "/feeds/broken.xml", "<?xml version='1.0'?><rss><channel><item><title>Oops & <", content_type="text/xml"
    )
    good_b = site.page("/feeds/b.xml", rss([("B", "/b/1")]), content_type="application/rss+xml")
    for url in (good_a, broken, good_b):
        Feed.objects.create(url=url)

    with committed():
        polled = feeds_poll_due()

    assert len(polled) == 3
    bad = Feed.objects.get(url=broken)
    assert bad.last_error.startswith("Malformed feed")
    assert bad.last_polled_at is not None
    assert Article.objects.filter(status="fetched").count() == 2
    assert Feed.objects.exclude(url=broken).filter(last_error="").count() == 2


def test_feed_pointing_at_a_private_address_records_the_refusal(committed):
    feed = Feed.objects.create(url="http://169.254.169.254/latest/feed.xml")

    with committed():
        feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert "link-local" in feed.last_error
    assert feed.next_poll_at > timezone.now()


def test_feed_items_already_known_are_not_duplicated(site, committed):
    url = serve_story(site, "/news/7", 7)
    with committed():
        article_submit_url(url=url + "?utm_campaign=push")
    body = rss([("Seven", "/news/7?fbclid=abc")])

    feed = make_feed(site, "/feeds/dupes.xml", body, committed)

    assert Article.objects.count() == 1
    assert feed.articles_created == 0 and feed.items_seen == 1
    assert site.hit_count("/news/7") == 1


def test_only_due_active_feeds_are_polled(site):
    now = timezone.now()
    due = Feed.objects.create(url=site.url("/due.xml"), next_poll_at=now - timedelta(minutes=1))
    Feed.objects.create(url=site.url("/later.xml"), next_poll_at=now + timedelta(minutes=5))
    Feed.objects.create(url=site.url("/off.xml"), is_active=False)
    never = Feed.objects.create(url=site.url("/never.xml"))

    assert sorted(Feed.objects.due(now).values_list("pk", flat=True)) == sorted([due.pk, never.pk])


def test_a_feed_being_polled_is_not_polled_again_until_its_interval(site, committed):
    site.page("/feeds/empty.xml", rss([]), content_type="application/rss+xml")
    with committed():
        feed = feed_create(url=site.url("/feeds/empty.xml"), poll_interval_minutes=30)

    assert feed_poll(feed_id=feed.pk).outcome == "skipped"
    assert site.hit_count("/feeds/empty.xml") == 1
    feed.refresh_from_db()
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=29)
