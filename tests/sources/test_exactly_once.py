"""Exactly once under failure: a real worker is SIGKILLed mid-run and started again.

300 items across 3 feeds. In the end every item is one article: none missing, none doubled.
Recovery is what production does, sped up: the worker's leases last 3 s instead of 20 s,
and this test plays Celery beat, sending the sweeper (and the feed scheduler) every second.
"""

import time

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from sources.models import Article, Feed
from sources.querysets import IN_PROGRESS
from sources.services import feeds_poll_due
from tests.conftest import wait_until
from tests.sources.pages import Response, article_html, rss

FEEDS = 3
ITEMS = 100


def serve(site) -> list[str]:
    """Three feeds of 100 distinct stories each; returns every item's URL."""
    urls = []
    for feed in range(FEEDS):
        items = [(f"Story {feed}-{i}", f"/kill/{feed}/{i}") for i in range(ITEMS)]
        site.page(
            f"/kill/feed-{feed}.xml",
            rss(items, title=f"Wire {feed}"),
            content_type="application/rss+xml",
            headers={"ETag": f'"feed-{feed}"'},
        )
        urls += [site.url(path) for _, path in items]

    def story(handler):
        _, _, feed, number = handler.path.split("/")
        time.sleep(0.01)  # a little like the network, so the kill lands mid-run
        return Response(
            body=article_html(
                f"Story {feed}-{number}",
                f"Report {feed}-{number}: air defence destroyed {number} drones over region {feed} overnight.",
                f"Officials in region {feed} counted damage at {number} addresses after the attack.",
            )
        )

    site.add("/kill/*", story)
    return urls


def settled() -> int:
    return Article.objects.exclude(status__in=IN_PROGRESS).count()


def purge_ingest_queues() -> None:
    """Empty the routed queues (the shared fixture purges only the default one), and drop the
    killed worker's unacknowledged messages, which the broker would hand back after its
    visibility timeout (an hour) to some later test run."""
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    with celery_app.connection_for_write() as connection:
        for queue in queues:
            connection.default_channel.queue_purge(queue)
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")


@pytest.mark.integration
def test_killed_worker_loses_nothing_and_doubles_nothing(start_worker, site, monkeypatch, capsys):
    monkeypatch.setenv("INGEST_LEASE_SECONDS", "3")
    monkeypatch.setenv("INGEST_REQUEUE_SECONDS", "3")
    monkeypatch.setenv("INGEST_RUN_EXTRACTION", "false")
    expected = serve(site)
    for feed in range(FEEDS):
        Feed.objects.create(url=site.url(f"/kill/feed-{feed}.xml"))

    purge_ingest_queues()
    started = time.monotonic()
    worker = start_worker(concurrency=2)
    worker_ready = time.monotonic()
    feeds_poll_due()  # what beat sends every minute
    wait_until(lambda: Article.objects.filter(status="fetched").count() >= 60, timeout=60, interval=0.05)
    worker.kill()
    killed = time.monotonic()
    at_kill = {
        "articles": Article.objects.count(),
        "fetched": Article.objects.filter(status="fetched").count(),
        "fetching": Article.objects.filter(status="fetching").count(),
    }
    assert at_kill["fetched"] < FEEDS * ITEMS, "the kill must land mid-run"

    start_worker(concurrency=2)
    restarted = time.monotonic()

    def all_done() -> bool:
        # Beat's part: the sweeper re-sends lost work, the scheduler re-polls a feed whose poll died.
        celery_app.send_task("sources.tasks.articles_requeue_stale")
        feeds_poll_due()
        return Article.objects.count() == FEEDS * ITEMS and settled() == FEEDS * ITEMS

    wait_until(all_done, timeout=120, interval=1.0)
    finished = time.monotonic()
    purge_ingest_queues()

    articles = list(Article.objects.values("canonical_url", "status", "content_hash", "text"))
    assert len(articles) == FEEDS * ITEMS
    assert sorted(a["canonical_url"] for a in articles) == sorted(expected)  # none missing, none extra
    assert {a["status"] for a in articles} == {"fetched"}  # none failed, none marked duplicate
    assert len({a["content_hash"] for a in articles}) == FEEDS * ITEMS  # each story stored once
    for a in articles:
        number = a["canonical_url"].rsplit("/", 2)
        assert f"Report {number[1]}-{number[2]}:" in a["text"]
    assert sum(Feed.objects.values_list("articles_created", flat=True)) == FEEDS * ITEMS
    refetched = sum(1 for path, _ in site.hits if path.startswith("/kill/") and path.count("/") == 3) - FEEDS * ITEMS

    with capsys.disabled():
        print(
            f"\n[exactly-once] worker start {worker_ready - started:.1f} s; killed after "
            f"{killed - worker_ready:.1f} s with {at_kill['fetched']} fetched, {at_kill['fetching']} mid-fetch, "
            f"{at_kill['articles']} articles known; restart {restarted - killed:.1f} s; "
            f"all {FEEDS * ITEMS} settled {finished - restarted:.1f} s later; "
            f"pages fetched more than once: {refetched}; total {finished - started:.1f} s"
        )
