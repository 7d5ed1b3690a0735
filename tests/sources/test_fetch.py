"""Fetching pasted URLs: text and metadata stored, limits enforced, errors recorded on the article."""

import socket
import threading
import time
import zlib
from datetime import UTC, datetime

import pytest

from sources.fetch import FetchConfig, FetchTransient, fetch
from sources.models import Article
from sources.services import article_submit_url
from tests.sources.pages import Response, article_html

pytestmark = pytest.mark.django_db

STORY = (
    "Twelve people were killed and more than ninety injured when a missile hit a residential block overnight.",
    "Rescue crews worked until dawn in the Sviatoshynskyi district, the city administration said.",
)


def submit(url, committed):
    with committed():
        article, _ = article_submit_url(url=url)
    article.refresh_from_db()
    return article


def test_page_becomes_article_with_main_text_and_metadata(site, committed):
    html = article_html(
        "Night strike on Kyiv", *STORY, published="2025-04-24T09:15:00+03:00", site_name="Kyiv Daily", lang="uk"
    )
    url = site.page("/news/night-strike", html)

    article = submit(url, committed)

    assert article.status == "fetched", article.error
    assert "Twelve people were killed" in article.text
    assert "Rescue crews worked until dawn" in article.text
    assert "All rights reserved" not in article.text  # page furniture is not the article
    assert article.title == "Night strike on Kyiv"
    assert article.published_at == datetime(2025, 4, 24, 6, 15, tzinfo=UTC)
    assert article.language == "uk"
    assert article.outlet.name == "Kyiv Daily"
    assert article.outlet.domain == "127.0.0.1"
    assert article.http_status == 200
    assert article.content_hash and article.error == ""


def test_raw_body_is_kept_compressed_for_provenance(site, committed):
    html = article_html("Provenance", *STORY)
    article = submit(site.page("/news/provenance", html), committed)

    assert bytes(article.raw_body) != html.encode()
    assert zlib.decompress(bytes(article.raw_body)) == html.encode()
    assert article.raw_content_type == "text/html"


def test_plain_text_page_is_stored_as_is(site, committed):
    url = site.page("/statement.txt", "\n\n".join(STORY), content_type="text/plain; charset=utf-8")

    article = submit(url, committed)

    assert article.status == "fetched"
    assert article.text == "\n\n".join(STORY)


def test_redirects_are_followed_and_the_final_url_recorded(site, committed):
    site.page("/final", article_html("Moved", *STORY))
    site.redirect("/hop2", "/final", status=301)
    url = site.redirect("/hop1", site.url("/hop2"), status=307)

    article = submit(url, committed)

    assert article.status == "fetched"
    assert article.final_url == site.url("/final")
    assert article.canonical_url == url


def test_more_than_five_redirects_are_refused(site, committed):
    for i in range(6):
        site.redirect(f"/loop{i}", f"/loop{i + 1}")
    site.page("/loop6", article_html("Too far", *STORY))

    article = submit(site.url("/loop0"), committed)

    assert article.status == "refused"
    assert "more than 5 redirects" in article.error
    assert site.hit_count("/loop6") == 0


def test_server_error_then_success_is_retried(site, committed):
    url = site.sequence("/flaky", [Response(500, "down"), Response(body=article_html("Back up", *STORY))])

    article = submit(url, committed)

    assert article.status == "fetched"
    assert site.hit_count("/flaky") == 2
    assert article.attempts == 2


def test_server_error_every_time_gives_up_and_records_the_error(site, committed):
    url = site.page("/broken", "down", status=503)

    article = submit(url, committed)

    assert article.status == "failed"
    assert "HTTP 503" in article.error
    assert "Gave up after 6 attempts" in article.error
    assert site.hit_count("/broken") == 6  # the first try and five retries


def test_slow_page_times_out_and_fails_after_retries(site, committed, settings):
    settings.INGEST_READ_TIMEOUT = 0.1
    url = site.page("/slow", article_html("Slow", *STORY), delay=0.4)

    article = submit(url, committed)

    assert article.status == "failed"
    assert "Timed out" in article.error


def test_slow_once_then_fast_is_retried(site, committed, settings):
    settings.INGEST_READ_TIMEOUT = 0.1
    url = site.sequence(
        "/slow-once", [Response(body="late", delay=0.4), Response(body=article_html("On time", *STORY))]
    )

    article = submit(url, committed)

    assert article.status == "fetched"
    assert article.title == "On time"


def test_oversized_page_is_refused(site, committed):
    url = site.page("/huge", "<html><body>" + "<p>word </p>" * 30_000 + "</body></html>")

    article = submit(url, committed)

    assert article.status == "refused"
    assert "200,000-byte limit" in article.error
    assert not article.text


def test_oversized_page_without_a_length_header_is_cut_off(site, committed):
    def stream(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"<p>" + b"x" * 9_996 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    article = submit(site.add("/endless", stream), committed)

    assert article.status == "refused"
    assert "limit" in article.error


def test_pdf_is_refused_with_a_reason(site, committed):
    url = site.page("/report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="application/pdf")

    article = submit(url, committed)

    assert article.status == "refused"
    assert "PDF" in article.error
    assert not article.text


def test_binary_served_as_html_is_refused(site, committed):
    url = site.page("/image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="text/html")

    article = submit(url, committed)

    assert article.status == "refused"
    assert "binary" in article.error


def test_missing_page_fails_without_retry(site, committed):
    article = submit(site.url("/gone"), committed)

    assert article.status == "failed"
    assert "HTTP 404" in article.error
    assert site.hit_count("/gone") == 1


def test_page_without_article_text_fails_with_a_reason(site, committed):
    article = submit(site.page("/empty", "<html><body><script>var x = 1;</script></body></html>"), committed)

    assert article.status == "failed"
    assert "No readable article text" in article.error


def test_fetching_twice_changes_nothing(site, committed):
    from sources.tasks import article_fetch

    article = submit(site.page("/once", article_html("Once", *STORY)), committed)
    before = Article.objects.values().get(pk=article.pk)

    article_fetch.apply(args=[article.pk])

    assert Article.objects.values().get(pk=article.pk) == before
    assert site.hit_count("/once") == 1


def _config(**overrides):
    values = {"allowed_hosts": ("127.0.0.1",), "connect_timeout": 5.0, "read_timeout": 5.0, "total_timeout": 1.0}
    return FetchConfig(**(values | overrides))


def test_a_hung_resolver_fails_the_fetch_by_its_deadline():
    def hung_resolver(host, port, **kwargs):
        time.sleep(3)
        return socket.getaddrinfo("127.0.0.1", port, **kwargs)

    started = time.monotonic()
    with pytest.raises(FetchTransient, match=r"Timed out resolving the host name example\.org"):
        fetch("http://example.org/story", config=_config(total_timeout=0.5), resolver=hung_resolver)

    assert time.monotonic() - started < 0.5 + 0.3


def test_a_hung_resolver_is_recorded_on_the_article(site, committed, monkeypatch):
    url = site.page("/resolved-late", article_html("Late", *STORY))
    real = socket.getaddrinfo

    def hung_getaddrinfo(*args, **kwargs):
        time.sleep(2)
        return real(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hung_getaddrinfo)
    article = submit(url, committed)

    assert article.status == "failed"
    assert "Timed out resolving the host name 127.0.0.1" in article.error
    assert site.hit_count("/resolved-late") == 0


def test_one_deadline_covers_every_redirect_hop(site):
    # Each hop answers in 0.4 s, within the read timeout; six of them take 2.4 s, past the
    # whole fetch's 1 s deadline, though the final page would be served.
    final = site.page("/hop-final", article_html("Far away", *STORY))
    location = final
    for hop in range(5, 0, -1):
        location = site.add(
            f"/hop-{hop}", Response(status=302, headers={"Location": location}, delay=0.4, content_type="")
        )

    started = time.monotonic()
    with pytest.raises(FetchTransient, match="Timed out"):
        fetch(location, config=_config(total_timeout=1.0))

    assert time.monotonic() - started < 1.0 + 0.3
    assert site.hit_count("/hop-final") == 0


def test_stalled_headers_fail_by_the_deadline_not_the_read_timeout(site):
    url = site.page("/stalled", article_html("Stalled", *STORY), delay=3)

    started = time.monotonic()
    with pytest.raises(FetchTransient, match="Timed out"):
        fetch(url, config=_config(read_timeout=10.0, total_timeout=0.6))

    assert time.monotonic() - started < 0.6 + 0.3


def test_headers_trickled_a_byte_at_a_time_fail_by_the_deadline():
    # Each byte arrives well within the read timeout, so only a deadline over every read ends it:
    # this server would take a minute to finish its headers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(600):
                if stop.is_set():
                    return
                try:
                    conn.sendall(b"a")
                except OSError:
                    return  # the client hung up, as it should
                time.sleep(0.1)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/trickle"
    started = time.monotonic()
    try:
        with pytest.raises(FetchTransient, match="Timed out"):
            fetch(url, config=_config(read_timeout=5.0, total_timeout=1.0))
        assert time.monotonic() - started < 1.0 + 0.5
    finally:
        stop.set()
        listener.close()
