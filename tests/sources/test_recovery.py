"""Recovery (issue 20): a lost worker, an emptied broker or dropped database connections cost
under a minute, with nothing lost and nothing doubled, extraction on.

The integration tests run two real Celery workers against a real Redis, a local feed and its
pages, and play Celery beat at the production cadence (the sweeper every INGEST_SWEEP_SECONDS,
leases of INGEST_LEASE_SECONDS: the settings' defaults, not shortened). Every story names Kharkiv
and its own date, so each article, extracted once, is linked to an attack of its own with one
"killed" claim: an article extracted twice would show as a second attack or a second claim.

The unit tests below them check the rules one at a time, in-process.
"""

import contextlib
import datetime as dt
import os
import signal
import threading
import time
from datetime import timedelta

import psutil
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from casualties.models import Claim
from config.celery import app as celery_app
from sources.models import Article, Feed
from sources.querysets import IN_PROGRESS
from sources.services import article_extraction_claim, article_fetch_and_store, articles_requeue_stale
from sources.services.leases import MAX_LEASE_LAPSES
from sources.services.linking_state import (
    ExtractionLost,
    article_extraction_done,
    article_extraction_record,
    article_extraction_release,
)
from sources.services.sweeper import fetch_backlog
from strikes.models import Attack
from tests.conftest import purge_all_queues, redis_available, require, wait_until
from tests.factories import ArticleFactory
from tests.sources.pages import Response, article_html, rss

RECOVERY_LIMIT = 60  # seconds, issue 20
FIRST_DAY = dt.date(2025, 1, 1)


# --- The integration harness ---


class Stories:
    """A local feed per batch of stories; ``trap`` stories hang their first fetch until released."""

    def __init__(self, site):
        self.site = site
        self.count = 0
        self.urls: list[str] = []
        self.hung = {}  # path -> Event set when its first request arrived
        self.client_ports: list[int] = []  # the local port each held request came from
        self.release = threading.Event()
        site.add("/recovery/story/*", self._story)

    def _story(self, handler):
        number = int(handler.path.rsplit("/", 1)[1])
        if handler.path in self.hung and not self.hung[handler.path].is_set():
            self.client_ports.append(handler.client_address[1])
            self.hung[handler.path].set()
            # Held until the test has killed whoever asked (then the answer goes nowhere).
            self.release.wait(30)
        time.sleep(0.05)  # a little like the network, so faults land mid-run
        day = FIRST_DAY + timedelta(days=7 * number)  # a week apart: never the same attack
        return Response(
            body=article_html(
                f"Drones hit Kharkiv, story {number}",
                f"Russian drones struck Kharkiv on {day:%d %B %Y}, the regional governor said.",
                f"In Kharkiv, {number + 2} people were killed and {number + 5} were wounded in the attack.",
                published=f"{day.isoformat()}T09:00:00+02:00",
            )
        )

    def feed(self, n: int, trap_at: int | None = None) -> Feed:
        """A new feed of ``n`` new stories, polled now by a worker."""
        items = []
        for _ in range(n):
            path = f"/recovery/story/{self.count}"
            if trap_at is not None and len(items) == trap_at:
                self.hung[path] = threading.Event()
            items.append((f"Story {self.count}", path))
            self.urls.append(self.site.url(path))
            self.count += 1
        feed_path = f"/recovery/feed-{self.count}.xml"
        self.site.page(feed_path, rss(items), content_type="application/rss+xml")
        feed = Feed.objects.create(url=self.site.url(feed_path))
        celery_app.send_task("sources.tasks.feed_poll", args=(feed.pk,))
        return feed

    def trapped(self, n: int = 0) -> threading.Event:
        return list(self.hung.values())[n]


class Beat(threading.Thread):
    """Celery beat's part, at the production cadence: the sweeper every INGEST_SWEEP_SECONDS."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(settings.INGEST_SWEEP_SECONDS):
            # The broker restarting: beat tries again next time, as the real one does.
            with contextlib.suppress(Exception):
                celery_app.send_task("sources.tasks.articles_requeue_stale")


@pytest.fixture
def recovery(start_worker, site, settings, monkeypatch):
    """Reference places, extraction on (here and in the workers), two workers, beat; cleaned up after."""
    from tests.reference_rows import reference_rows

    settings.INGEST_RUN_EXTRACTION = True
    monkeypatch.setenv("INGEST_RUN_EXTRACTION", "true")
    # The production lease and sweep (the settings' defaults), so the times measured are the real ones.
    monkeypatch.delenv("INGEST_LEASE_SECONDS", raising=False)
    monkeypatch.delenv("INGEST_SWEEP_SECONDS", raising=False)
    assert (settings.INGEST_LEASE_SECONDS, settings.INGEST_SWEEP_SECONDS) == (20, 10)
    reference_rows()
    stories = Stories(site)
    workers = [start_worker(concurrency=1), start_worker(concurrency=1)]
    beat = Beat()
    beat.start()
    yield stories, workers, start_worker
    stories.release.set()
    beat.stopped.set()
    # A killed worker's unacknowledged message would come back after the visibility timeout (an
    # hour) into some later run; and the marker is the sweeper's, not this test's.
    purge_all_queues()
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")


def final() -> int:
    return Article.objects.exclude(status__in=IN_PROGRESS).exclude(status="fetched").count()


def wait_all_final(stories: Stories, timeout: float = 90) -> float:
    """Wait until every story is an article extracted (or otherwise final); returns when (monotonic)."""
    expected = len(stories.urls)
    wait_until(lambda: Article.objects.count() == expected and final() == expected, timeout=timeout, interval=0.25)
    return time.monotonic()


def assert_each_once(stories: Stories) -> None:
    """Nothing lost, nothing doubled: one article per story, extracted once, one attack, one claim each."""
    articles = list(Article.objects.values("pk", "canonical_url", "status", "error", "attack_id", "content_hash"))
    assert sorted(a["canonical_url"] for a in articles) == sorted(stories.urls)
    assert [(a["canonical_url"], a["error"]) for a in articles if a["status"] != "extracted"] == []
    assert len({a["content_hash"] for a in articles}) == len(articles)
    assert None not in {a["attack_id"] for a in articles}
    assert len({a["attack_id"] for a in articles}) == len(articles) == Attack.objects.count()
    killed = Claim.objects.filter(category="killed")
    assert sorted(killed.values_list("article_id", flat=True)) == sorted(a["pk"] for a in articles)


def holder_of(workers, client_port: int) -> tuple[int, object]:
    """The pool child (pid) whose connection to the local site left from ``client_port``, and its worker."""
    for worker in workers:
        for child in psutil.Process(worker.proc.pid).children(recursive=True):
            try:
                if any(c.laddr and c.laddr.port == client_port for c in child.net_connections(kind="tcp")):
                    return child.pid, worker
            except psutil.NoSuchProcess:
                continue
    raise AssertionError("no worker holds the held request")


def report(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n[recovery] {text}")


# --- Integration: real workers, real Redis ---


@pytest.mark.integration
def test_recovery_from_lost_workers_an_emptied_broker_and_dropped_connections(recovery, capsys):
    """Four faults in turn, each on a batch of its own, sharing the workers' start-up (~10 s)."""
    stories, workers, start_worker = recovery
    times = {}

    # 1. A pool child killed mid-fetch: the worker hands its message back at once (acks_late,
    # reject_on_worker_lost) and the redelivered task takes the row over.
    stories.feed(10, trap_at=3)
    assert stories.trapped(0).wait(60)
    child, _ = holder_of(workers, stories.client_ports[0])
    os.kill(child, signal.SIGKILL)
    killed = time.monotonic()
    stories.release.set()
    trap_child = stories.urls[3]
    wait_until(lambda: Article.objects.filter(canonical_url=trap_child, status="extracted").exists(), timeout=90)
    times["pool child SIGKILL"] = time.monotonic() - killed
    wait_all_final(stories)

    # 2. A whole worker (main process and pool) killed mid-fetch: nothing comes back from it; the
    # lease it no longer renews lapses and the sweeper sends the row again.
    stories.release.clear()
    stories.feed(10, trap_at=3)
    assert stories.trapped(1).wait(60)
    _, worker = holder_of(workers, stories.client_ports[1])
    worker.kill()
    killed = time.monotonic()
    stories.release.set()
    workers.remove(worker)
    workers.append(start_worker(concurrency=1))  # what a supervisor does
    trap_worker = stories.urls[13]
    wait_until(lambda: Article.objects.filter(canonical_url=trap_worker, status="extracted").exists(), timeout=90)
    times["worker group SIGKILL"] = time.monotonic() - killed
    wait_all_final(stories)
    # Each trap was taken over from its lost worker once; nothing else was.
    lapses = dict(Article.objects.filter(lease_lapses__gt=0).values_list("canonical_url", "lease_lapses"))
    assert lapses == {trap_child: 1, trap_worker: 1}

    # 3. Redis restarted with nothing kept: every queued message is gone.
    stories.feed(30)
    wait_until(lambda: final() >= 25, timeout=60, interval=0.1)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    waiting = broker.llen("fetch") + broker.llen("extract")
    broker.flushdb()
    flushed = time.monotonic()
    assert waiting > 0, "the flush must lose queued messages"
    times[f"Redis emptied ({waiting} messages lost)"] = wait_all_final(stories) - flushed

    # 4. The workers' database connections dropped, three times half a second apart, to catch
    # work at different steps.
    stories.feed(30)
    wait_until(lambda: final() >= 55 + 5, timeout=60, interval=0.1)
    dropped = 0
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            dropped += cursor.fetchone()[0]
        time.sleep(0.5)
    at_drop = time.monotonic()
    assert dropped > 0
    times[f"{dropped} database connections dropped"] = wait_all_final(stories) - at_drop

    assert_each_once(stories)  # none lost, none doubled, none failed
    report(capsys, "; ".join(f"{fault}: {seconds:.1f} s" for fault, seconds in times.items()))
    assert max(times.values()) < RECOVERY_LIMIT, times


# --- The rules, in-process ---


def held(status: str, lapses: int = 0, lease_left: float = 15) -> Article:
    """A row held by a worker, its lease running for ``lease_left`` more seconds."""
    until = timezone.now() + timedelta(seconds=lease_left)
    text = "" if status == "fetching" else "Drones struck Kharkiv overnight."
    return ArticleFactory(status=status, attempts=1, lease_lapses=lapses, lease_expires_at=until, text=text)


@pytest.mark.django_db
def test_a_fetch_redelivered_from_a_lost_worker_takes_its_row_at_once(site):
    url = site.page("/taken", article_html("Taken", "Debris from a downed drone fell on a market in the city."))
    article = held("fetching")
    article.url = article.canonical_url = url
    article.save()

    assert article_fetch_and_store(article_id=article.pk) is None  # a live lease: left alone
    assert article_fetch_and_store(article_id=article.pk, takeover=True) == "fetched"

    article.refresh_from_db()
    assert (article.status, article.attempts, article.lease_lapses) == ("fetched", 2, 1)


@pytest.mark.django_db
def test_a_fetch_whose_worker_is_lost_a_third_time_is_given_up_not_taken():
    article = held("fetching", lapses=MAX_LEASE_LAPSES - 1)

    assert article_fetch_and_store(article_id=article.pk, takeover=True) == "failed"

    article.refresh_from_db()
    assert article.status == "failed" and article.attempts == 1
    assert article.error.startswith("Gave up after 3 attempts: the worker fetching this stopped")


@pytest.mark.django_db
def test_an_extraction_taken_over_drops_the_old_workers_result():
    article = held("extracting")
    assert not article_extraction_claim(article_id=article.pk)  # its worker is alive
    assert article_extraction_claim(article_id=article.pk, takeover=True)  # its message came back: it is not
    article.refresh_from_db()
    assert (article.status, article.lease_lapses) == ("extracting", 1)

    # The worker wakes up after all and tries to record: fenced out (its transaction rolls back).
    Article.objects.filter(pk=article.pk).update(lease_lapses=2)  # someone else took it over since
    try:
        with pytest.raises(ExtractionLost):
            article_extraction_record(article=article, report={"x": 1}, link_score=None, link_explanation="")
    finally:
        article_extraction_done(article_id=article.pk)
    article.refresh_from_db()
    assert (article.status, article.report) == ("extracting", None)


@pytest.mark.django_db
def test_an_extraction_whose_worker_dies_each_time_is_given_up_by_the_sweeper_and_the_claim(settings):
    settings.INGEST_RUN_EXTRACTION = True
    lapsed = [held("extracting", lapses=n, lease_left=-1) for n in range(MAX_LEASE_LAPSES)]

    dead, given_up = article_extraction_release(now=timezone.now())

    states = [Article.objects.values_list("status", "lease_lapses").get(pk=a.pk) for a in lapsed]
    assert given_up == 1 and sorted(dead) == sorted(a.pk for a in lapsed[:-1])
    assert states == [("fetched", 1), ("fetched", 2), ("failed", 2)]
    assert Article.objects.get(pk=lapsed[-1].pk).error.startswith("Gave up after 3 attempts: the worker extracting")
    # The same rule when the message comes back from the lost worker instead of the lease lapsing.
    last = held("extracting", lapses=MAX_LEASE_LAPSES - 1)
    assert not article_extraction_claim(article_id=last.pk, takeover=True)
    assert Article.objects.get(pk=last.pk).status == "failed"


@pytest.mark.django_db
def test_an_emptied_broker_has_every_queued_row_sent_again_at_once(monkeypatch, django_capture_on_commit_callbacks):
    young = ArticleFactory(status="queued", enqueued_at=timezone.now(), text="")
    monkeypatch.setattr("sources.services.sweeper.broker_emptied", lambda: False)
    with django_capture_on_commit_callbacks(execute=False):
        assert articles_requeue_stale()["requeued"] == 0  # its message is presumably still queued

    marked = []
    monkeypatch.setattr("sources.services.sweeper.broker_emptied", lambda: True)
    monkeypatch.setattr("sources.services.sweeper.broker_mark", lambda: marked.append(True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = articles_requeue_stale()
    assert (counts["requeued"], counts["broker_emptied"]) == (1, 1)
    assert Article.objects.get(pk=young.pk).enqueued_at > young.enqueued_at
    # The marker is set last, once the messages are on their way (sends are not run here).
    callbacks[-1]()
    assert marked == [True]


@pytest.mark.django_db
def test_a_heartbeat_renews_only_the_rows_this_worker_still_holds():
    from sources.services import leases

    mine = held("fetching", lease_left=2)
    taken = held("fetching", lease_left=2)  # since taken over: its attempts moved on
    Article.objects.filter(pk=taken.pk).update(attempts=2)
    extracting = held("extracting", lapses=1, lease_left=2)

    renewed = leases.renew(
        [((leases.FETCH, mine.pk), 1), ((leases.FETCH, taken.pk), 1), ((leases.EXTRACT, extracting.pk), 1)]
    )

    soon = timezone.now() + timedelta(seconds=10)
    assert renewed == 2
    assert Article.objects.get(pk=mine.pk).lease_expires_at > soon
    assert Article.objects.get(pk=extracting.pk).lease_expires_at > soon
    assert Article.objects.get(pk=taken.pk).lease_expires_at < soon


@pytest.mark.integration
def test_an_empty_fetch_queue_measures_zero_without_a_warning(transactional_db, caplog):
    # Redis keeps no key for an empty queue; kombu answers "no queue" for it. That is an idle
    # system, not a broker that cannot count: no warning every sweep, and a backlog of 0.
    require(redis_available(), f"Redis is not reachable at {settings.REDIS_URL}")
    celery_app.conf.broker_url = settings.REDIS_URL
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        purge_all_queues()
        redis.Redis.from_url(settings.REDIS_URL).delete("fetch")
        with caplog.at_level("WARNING", logger="sources.services.sweeper"):
            assert fetch_backlog() == 0
        assert not [r for r in caplog.records if "Could not measure" in r.getMessage()]
    finally:
        celery_app.conf.task_always_eager = eager
