"""Nothing is lost when a task message is: the sweeper re-sends it, and fencing keeps one result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sources.models import Article, BulkJob
from sources.services import article_submit_url, articles_requeue_stale, bulk_job_create
from sources.services.fetching import _finish
from tests.factories import ArticleFactory
from tests.sources.pages import article_html

pytestmark = pytest.mark.django_db

STORY = ("Two people were injured when debris from a downed drone fell on a market in the city centre.",)


def test_fetch_whose_worker_died_is_queued_again_and_completed(site, committed):
    url = site.page("/orphan", article_html("Orphan", *STORY))
    article, _ = article_submit_url(url=url)  # its message is never sent: no commit here
    past = timezone.now() - timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(status="fetching", attempts=1, lease_expires_at=past)

    with committed():
        counts = articles_requeue_stale()

    article.refresh_from_db()
    assert counts["lease_expired"] == 1
    assert article.status == "fetched"
    assert article.attempts == 2


def test_queued_article_whose_message_was_lost_is_sent_again(site, committed, settings):
    url = site.page("/lost", article_html("Lost", *STORY))
    article, _ = article_submit_url(url=url)
    long_ago = timezone.now() - timedelta(seconds=settings.INGEST_REQUEUE_SECONDS + 60)
    Article.objects.filter(pk=article.pk).update(enqueued_at=long_ago)

    with committed():
        counts = articles_requeue_stale()

    article.refresh_from_db()
    assert counts["requeued"] == 1
    assert article.status == "fetched"


def test_work_in_progress_is_left_alone(site, committed):
    url = site.page("/busy", article_html("Busy", *STORY))
    article, _ = article_submit_url(url=url)
    soon = timezone.now() + timedelta(minutes=4)
    Article.objects.filter(pk=article.pk).update(status="fetching", attempts=1, lease_expires_at=soon)

    with committed():
        counts = articles_requeue_stale()

    assert (counts["lease_expired"], counts["requeued"]) == (0, 0)
    assert Article.objects.get(pk=article.pk).status == "fetching"
    assert site.hit_count("/busy") == 0


def test_a_worker_whose_lease_was_taken_over_cannot_overwrite_the_result(site, committed):
    url = site.page("/fenced", article_html("Fenced", *STORY))
    article, _ = article_submit_url(url=url)
    past = timezone.now() - timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(status="fetching", attempts=1, lease_expires_at=past)
    with committed():
        articles_requeue_stale()

    # The first worker wakes up late and tries to record a failure with its old claim.
    late = _finish(Article.objects.get(pk=article.pk), 1, status="failed", error="late worker")

    assert late is False
    article.refresh_from_db()
    assert article.status == "fetched" and article.error == ""


def test_bulk_job_counts_each_line_once(site, committed):
    good = site.page("/bulk/good", article_html("Good", *STORY))
    copy = site.page("/bulk/copy", article_html("Good", *STORY))  # the same text at another URL
    gone = site.url("/bulk/gone")
    lines = [good, good + "?utm_source=x", copy, gone, "not a url", "# a comment", ""]

    with committed():
        job = bulk_job_create(urls=lines, name="Morning list")
    job.refresh_from_db()

    assert job.total == 5
    assert (job.new, job.duplicate, job.failed) == (1, 2, 2)
    assert job.is_finished
    with committed():
        articles_requeue_stale()
    assert BulkJob.objects.get(pk=job.pk).done == 5


def test_extraction_whose_worker_died_is_handed_back(settings, django_capture_on_commit_callbacks):
    settings.INGEST_RUN_EXTRACTION = True
    from sources.services import article_submit_text

    article, _ = article_submit_text(text="\n".join(STORY))
    past = timezone.now() - timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(status="extracting", lease_expires_at=past)
    alive = ArticleFactory(status="extracting", lease_expires_at=timezone.now() + timedelta(minutes=5))

    # Captured, not run: only the hand-back is under test here.
    with django_capture_on_commit_callbacks(execute=False) as sent:
        counts = articles_requeue_stale()

    assert counts["extraction_resent"] == 1
    assert len(sent) == 1
    assert Article.objects.get(pk=article.pk).status == "fetched"
    assert Article.objects.get(pk=alive.pk).status == "extracting"
