"""The ingest page and article page: analysts submit, see status live, and nothing renders as HTML."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources.models import Article, BulkJob, Feed
from tests.factories import ArticleFactory, FeedFactory
from tests.sources.pages import article_html, rss

pytestmark = pytest.mark.django_db

STORY = (
    "Officials said a ballistic missile struck a university building, killing four people.",
    "Twenty-one people were injured, among them three students, the regional governor wrote.",
)


@pytest.fixture
def browser(client, analyst):
    client.force_login(analyst)
    return client


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("ingest"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_researchers_may_not_ingest(client, researcher):
    client.force_login(researcher)
    assert client.get(reverse("ingest")).status_code == 403
    assert client.post(reverse("ingest-url"), {"fetch-url": "https://example.org/"}).status_code == 403
    assert Article.objects.count() == 0


def test_ingest_page_has_labelled_forms_and_recent_articles(browser):
    ArticleFactory(title="Strike on the university", status="failed", error="HTTP 404 Not Found.")

    response = browser.get(reverse("ingest"))

    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Article URL", "Article text", "File of URLs", "Feed URL (RSS or Atom)"):
        assert f">{label}</label>" in html
    assert "Strike on the university" in html
    assert "HTTP 404 Not Found." in html


def test_pasting_a_url_fetches_it_and_shows_the_article(browser, site, committed):
    url = site.page("/news/university", article_html("University strike", *STORY))

    with committed():
        response = browser.post(reverse("ingest-url"), {"fetch-url": url})

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("article-detail", args=[article.pk])
    page = browser.get(response["Location"]).content.decode()
    assert "University strike" in page
    assert "killing four people" in page
    assert "status-fetched" in page


def test_a_bad_url_is_shown_next_to_the_field(browser):
    response = browser.post(reverse("ingest-url"), {"fetch-url": "javascript:alert(document.cookie)"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_fetch-url_error"' in html
    assert "Only http:// and https:// URLs can be fetched." in html
    assert Article.objects.count() == 0


def test_pasting_a_text_with_markup_stores_plain_text(browser):
    response = browser.post(
        reverse("ingest-text"),
        {
            "paste-text": "<p>Four killed.</p><script>alert('owned')</script><p>21 injured.</p>",
            "paste-outlet": "Kharkiv Today",
            "paste-published_at": "2025-04-24T08:30",
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert article.text == "Four killed.\n21 injured."
    assert article.outlet.name == "Kharkiv Today"
    assert article.published_at.isoformat() == "2025-04-24T05:30:00+00:00"  # Kyiv time entered


def test_empty_text_is_an_error_next_to_the_field(browser):
    response = browser.post(reverse("ingest-text"), {"paste-text": "   "})

    assert response.status_code == 400
    assert 'id="id_paste-text_error"' in response.content.decode()


def test_stored_text_and_titles_are_escaped_never_rendered(browser):
    article = ArticleFactory(
        title="<img src=x onerror=alert(1)>",
        text="Literal <script>alert('x')</script> in a quoted page.\nSecond line.",
        status="fetched",
    )

    detail = browser.get(reverse("article-detail", args=[article.pk])).content.decode()
    listing = browser.get(reverse("ingest")).content.decode()

    assert "<script>alert('x')</script>" not in detail
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in detail
    assert "<img src=x onerror=alert(1)>" not in detail
    assert "<img src=x onerror=alert(1)>" not in listing
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing


def test_bulk_upload_creates_a_job_with_progress(browser, site, committed):
    good = site.page("/bulk/a", article_html("Bulk A", *STORY))
    listing = f"# morning list\n{good}\n{good}?utm_source=x\nhttp://10.0.0.1/\nnot-a-url\n".encode()

    with committed():
        response = browser.post(
            reverse("ingest-bulk"), {"bulk-file": SimpleUploadedFile("urls.txt", listing, "text/plain")}
        )

    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert (job.total, job.new, job.duplicate, job.failed) == (4, 1, 1, 2)
    progress = browser.get(reverse("bulk-job-progress", args=[job.pk])).content.decode()
    assert 'value="4" max="4"' in progress
    assert "hx-get" not in progress  # finished: no more polling


def test_bulk_upload_of_a_binary_file_is_refused(browser):
    response = browser.post(
        reverse("ingest-bulk"), {"bulk-file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\x00\x00\x01", "application/pdf")}
    )

    assert response.status_code == 400
    assert 'id="id_bulk-file_error"' in response.content.decode()
    assert BulkJob.objects.count() == 0


def test_unfinished_bulk_job_keeps_polling(browser):
    job = BulkJob.objects.create(total=10, new=3)

    progress = browser.get(reverse("bulk-job-progress", args=[job.pk])).content.decode()

    assert f'hx-get="{reverse("bulk-job-progress", args=[job.pk])}"' in progress
    assert "3 of 10 done" in progress


def test_recent_articles_poll_only_while_work_is_in_progress(browser):
    ArticleFactory(status="fetched")
    assert "hx-trigger" not in browser.get(reverse("ingest-recent")).content.decode()

    ArticleFactory(status="queued")
    assert 'hx-trigger="every 3s"' in browser.get(reverse("ingest-recent")).content.decode()


def test_article_status_box_polls_until_the_fetch_ends(browser):
    article = ArticleFactory(status="fetching", text="")
    box = browser.get(reverse("article-status", args=[article.pk])).content.decode()
    assert "hx-get" in box

    Article.objects.filter(pk=article.pk).update(status="refused", error="Refused: 10.0.0.1 is a private address")
    box = browser.get(reverse("article-status", args=[article.pk])).content.decode()
    assert "hx-get" not in box
    assert "10.0.0.1 is a private address" in box


def test_adding_pausing_and_polling_a_feed(browser, site, committed):
    url = site.page("/feeds/page.xml", rss([]), content_type="application/rss+xml")

    with committed():
        response = browser.post(reverse("feed-add"), {"feed-url": url, "feed-poll_interval_minutes": "20"})

    feed = Feed.objects.get()
    assert response.status_code == 302
    assert feed.poll_interval_minutes == 20
    assert feed.last_status_code == 200
    page = browser.get(reverse("ingest")).content.decode()
    assert "Test wire" in page and "HTTP 200" in page

    browser.post(reverse("feed-toggle", args=[feed.pk]))
    assert not Feed.objects.get().is_active
    with committed():
        browser.post(reverse("feed-toggle", args=[feed.pk]))
    assert Feed.objects.get().is_active
    with committed():
        browser.post(reverse("feed-poll", args=[feed.pk]))
    assert site.hit_count("/feeds/page.xml") == 3


def test_a_bad_feed_interval_is_shown_next_to_the_field(browser):
    response = browser.post(
        reverse("feed-add"), {"feed-url": "https://wire.example.org/rss", "feed-poll_interval_minutes": "0"}
    )

    assert response.status_code == 400
    assert 'id="id_feed-poll_interval_minutes_error"' in response.content.decode()


def test_feed_toggle_needs_post(browser):
    feed = FeedFactory()
    assert browser.get(reverse("feed-toggle", args=[feed.pk])).status_code == 405


@pytest.mark.parametrize(
    ("view", "data"),
    [
        ("ingest-url", {"fetch-url": "https://example.org/\x00"}),
        ("ingest-url", {"fetch-url": "https://example.org/" + "a" * 3000}),
        ("ingest-url", {"fetch-url": "http://[::1"}),
        ("ingest-url", {}),
        ("ingest-text", {"paste-text": "a\x00b"}),
        ("ingest-text", {"paste-text": "<script>alert(1)</script>"}),
        ("ingest-text", {"paste-text": "Fine.", "paste-published_at": "not a date"}),
        ("ingest-text", {"paste-text": "Fine.", "paste-url": "data:text/html,<script>alert(1)</script>"}),
        ("ingest-text", {"paste-text": "Fine.", "paste-title": "t" * 1001}),
        ("ingest-bulk", {"bulk-urls": "# only a comment"}),
        ("ingest-bulk", {"bulk-urls": "https://example.org/\n" * 10_001}),
        ("feed-add", {"feed-url": "gopher://127.0.0.1:6379/", "feed-poll_interval_minutes": "15"}),
        ("feed-add", {"feed-url": "https://wire.example.org/rss", "feed-poll_interval_minutes": "1e99"}),
    ],
)
def test_hostile_form_input_is_a_400_with_nothing_stored(view, data, browser):
    response = browser.post(reverse(view), data)

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert Article.objects.count() == 0 and BulkJob.objects.count() == 0 and Feed.objects.count() == 0
