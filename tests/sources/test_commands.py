"""ingest_urls and ingest_feed: progress and a summary; without a worker, work runs in-process."""

import io

import pytest
from django.core.management import CommandError, call_command

from sources.models import Article, BulkJob, Feed
from tests.sources.pages import article_html, rss

pytestmark = pytest.mark.django_db

STORY = ("A cruise missile hit an energy facility, leaving forty thousand homes without power, the operator said.",)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_urls_fetches_in_process_and_summarises(site, tmp_path):
    first = site.page("/c/1", article_html("Energy strike", *STORY))
    copy = site.page("/c/2", article_html("Energy strike", *STORY))  # the same text elsewhere
    listing = tmp_path / "urls.txt"
    listing.write_text(
        f"# to check\n{first}\n{first}?utm_source=x\n{copy}\n{site.url('/c/missing')}\nhttp://169.254.169.254/\nftp://x/\n"
    )

    out, err = run("ingest_urls", str(listing))

    assert out.strip() == "6 URLs: 1 new, 2 duplicate, 3 failed."
    assert "Fetching in this process" in err
    assert "Skipped 'ftp://x/'" in err
    assert "6/6" in err  # the progress bar reached the end
    job = BulkJob.objects.get()
    assert (job.new, job.duplicate, job.failed) == (1, 2, 3)
    assert Article.objects.get(canonical_url=first).status == "fetched"


def test_ingest_urls_run_twice_adds_nothing(site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(site.page("/c/again", article_html("Again", *STORY)) + "\n")
    run("ingest_urls", str(listing))

    out, _ = run("ingest_urls", str(listing))

    assert out.strip() == "1 URLs: 0 new, 1 duplicate, 0 failed."
    assert Article.objects.count() == 1
    assert site.hit_count("/c/again") == 1


def test_ingest_urls_with_an_unreadable_file_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        run("ingest_urls", str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(CommandError, match="no URLs"):
        run("ingest_urls", str(empty))


def test_ingest_feed_registers_polls_and_fetches(site):
    site.page("/f/1", article_html("One", *STORY))
    site.page("/f/2", article_html("Two", "A different story about a drone attack on a bus depot at night."))
    url = site.page(
        "/f/feed.xml", rss([("One", "/f/1"), ("Two", "/f/2"), ("Gone", "/f/3")]), content_type="application/rss+xml"
    )

    out, err = run("ingest_feed", url)

    assert out.strip() == "3 items: 2 new, 0 duplicate, 1 failed."
    assert "Registered feed" in err
    feed = Feed.objects.get()
    assert feed.articles_created == 3 and feed.items_seen == 3
    assert Article.objects.filter(feed=feed, status="fetched").count() == 2

    out, _ = run("ingest_feed", url)  # nothing new the second time
    assert out.strip() == "3 items: 0 new, 3 duplicate, 0 failed."


def test_ingest_feed_that_cannot_be_read_is_an_error(site):
    url = site.page("/f/bad.xml", "<rss><channel><item>", content_type="text/xml")
    with pytest.raises(CommandError, match="could not be read"):
        run("ingest_feed", url)
    assert Feed.objects.get().last_error
