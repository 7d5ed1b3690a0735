"""Exactly once: a URL is one article however it is written; a text is one original plus duplicates."""

import threading

import pytest
import redis
from celery.signals import before_task_publish
from django.conf import settings
from django.core.exceptions import ValidationError

from sources.models import Article, Outlet
from sources.services import article_submit_text, article_submit_url
from sources.tasks import article_fetch
from tests.conftest import redis_available, require
from tests.sources.pages import article_html

STORY = (
    "Emergency services said 12 people were killed and 87 injured after the overnight attack on the capital.",
    "The attack involved 215 missiles and drones, according to the air force.",
)


@pytest.mark.django_db
def test_same_url_pasted_twice_with_and_without_tracking_parameters_is_one_article(site, committed):
    url = site.page("/news/strike", article_html("Strike", *STORY))

    with committed():
        first, created_first = article_submit_url(url=url)
    with committed():
        second, created_second = article_submit_url(url=url + "?utm_source=telegram&fbclid=xyz#comments")
    with committed():
        third, created_third = article_submit_url(url=url.replace("http://", "HTTP://"))

    assert (created_first, created_second, created_third) == (True, False, False)
    assert first.pk == second.pk == third.pk
    assert Article.objects.count() == 1
    assert site.hit_count("/news/strike") == 1


@pytest.mark.django_db
def test_same_text_at_two_urls_is_one_article_and_one_duplicate(site, committed):
    html = article_html("Strike", *STORY)
    first_url = site.page("/wire/strike", html)
    second_url = site.page("/reprint/strike", html.replace("<title>Strike", "<title>Strike (reprint)"))

    with committed():
        first, _ = article_submit_url(url=first_url)
    with committed():
        second, _ = article_submit_url(url=second_url)
    first.refresh_from_db()
    second.refresh_from_db()

    assert first.status == "fetched"
    assert second.status == "duplicate"
    assert second.duplicate_of_id == first.pk
    assert second.content_hash == first.content_hash
    assert list(Article.objects.originals().values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_malformed_url_is_a_validation_error_and_stores_nothing():
    for bad in ("javascript:alert(1)", "not a url", "https://user:pw@example.org/"):
        with pytest.raises(ValidationError) as error:
            article_submit_url(url=bad)
        assert "url" in error.value.message_dict
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_pasted_text_is_stored_as_plain_text_with_its_metadata():
    pasted = (
        "<p>Twelve people were killed in <b>Kyiv</b>.</p><script>alert('x')</script>"
        "<p onclick='steal()'>More than 100 were wounded.</p>"
    )

    article, created = article_submit_text(
        text=pasted, outlet_name="  Censor.NET ", title="Kyiv night", published_at="2025-04-24T10:00:00+03:00"
    )

    assert created
    assert article.status == "fetched"
    assert article.origin == "text"
    assert article.text == "Twelve people were killed in Kyiv.\nMore than 100 were wounded."
    assert "<" not in article.text and "alert" not in article.text
    assert article.outlet == Outlet.objects.get(name="Censor.NET")
    assert article.title == "Kyiv night"
    assert article.canonical_url is None


@pytest.mark.django_db
def test_same_text_pasted_twice_returns_the_first():
    first, created_first = article_submit_text(text="\n".join(STORY))
    second, created_second = article_submit_text(text="  ".join(STORY))  # other spacing, same words

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_known_text_at_a_new_url_is_recorded_as_a_duplicate():
    first, _ = article_submit_text(text="\n".join(STORY))
    copy, created = article_submit_text(text="\n".join(STORY), url="https://reprints.example.org/story")

    assert not created
    assert copy.status == "duplicate" and copy.duplicate_of_id == first.pk
    assert copy.outlet.domain == "reprints.example.org"


@pytest.mark.django_db
def test_pasted_text_fills_in_a_url_that_could_not_be_fetched(site, committed):
    url = site.page("/paywalled", "Subscribe", status=403)
    with committed():
        failed, _ = article_submit_url(url=url)
    failed.refresh_from_db()
    assert failed.status == "failed"

    filled, created = article_submit_text(text="\n".join(STORY), url=url + "?utm_medium=email")

    assert not created
    assert filled.pk == failed.pk
    assert filled.status == "fetched"
    assert filled.error == ""
    assert "215 missiles" in filled.text


@pytest.mark.django_db
def test_text_pasted_for_a_url_that_already_has_text_keeps_the_stored_one():
    first, _ = article_submit_text(text="\n".join(STORY), url="https://news.example.org/a")
    again, created = article_submit_text(text="Something else entirely.", url="https://news.example.org/a")

    assert not created and again.pk == first.pk
    assert again.text == "\n".join(STORY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\x00 "}, "text"),
        ({"text": "<script>alert(1)</script>"}, "text"),
        ({"text": "x" * 200_001}, "text"),
        ({"text": "Fine text.", "url": "ftp://example.org/x"}, "url"),
    ],
)
def test_unusable_pasted_text_is_a_validation_error(fields, error_field):
    with pytest.raises(ValidationError) as error:
        article_submit_text(**fields)
    assert error_field in error.value.message_dict
    assert Article.objects.count() == 0


@pytest.fixture
def published():
    """(task name, args) of each message sent to the real broker during the test; removed afterwards."""
    sent: list[tuple[str, list, str]] = []

    def record(sender=None, headers=None, body=None, **_):
        sent.append((sender, list(body[0]), headers["id"]))

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)
    client = redis.Redis.from_url(settings.REDIS_URL)
    for queue in ("extract", "fetch", "feeds", "default"):
        for raw in client.lrange(queue, 0, -1):
            if any(task_id.encode() in raw for _, _, task_id in sent):
                client.lrem(queue, 1, raw)


@pytest.mark.integration
@pytest.mark.django_db
def test_stored_text_is_sent_to_extraction_after_commit_and_duplicates_are_not(settings, committed, published):
    """The hand-off to linking: a message to ``linking.tasks.article_extract`` on the real broker."""
    require(redis_available(), f"Redis is not reachable at {settings.REDIS_URL}")
    settings.INGEST_RUN_EXTRACTION = True

    with committed():
        original, _ = article_submit_text(text="\n".join(STORY))
        assert published == []  # nothing is sent before the commit
    with committed():
        copy, _ = article_submit_text(text="\n".join(STORY), url="https://reprints.example.org/story")

    assert [(name, args) for name, args, _ in published] == [("linking.tasks.article_extract", [original.pk])]
    assert copy.status == "duplicate"


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_the_same_text_at_once_make_one_original(site):
    """Both pages are held until both requests arrived, so both workers store at nearly the same time."""
    both_asked = threading.Barrier(2, timeout=5)
    html = article_html("Same", *STORY)

    def held(_handler):
        both_asked.wait()
        from tests.sources.pages import Response

        return Response(body=html)

    first, _ = article_submit_url(url=site.add("/one", held))
    second, _ = article_submit_url(url=site.add("/two", held))
    workers = [threading.Thread(target=article_fetch.apply, args=([pk],)) for pk in (first.pk, second.pk)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)

    statuses = sorted(Article.objects.values_list("status", flat=True))
    assert statuses == ["duplicate", "fetched"]
    original = Article.objects.get(status="fetched")
    assert Article.objects.get(status="duplicate").duplicate_of_id == original.pk


@pytest.mark.django_db
def test_a_person_resubmitting_a_failed_url_tries_again(site, committed, analyst):
    from tests.sources.pages import Response

    url = site.sequence("/outage", [Response(404, "gone for now"), Response(body=article_html("Back", *STORY))])
    with committed():
        first, _ = article_submit_url(url=url, by=analyst)
    first.refresh_from_db()
    assert first.status == "failed"

    with committed():
        again, created = article_submit_url(url=url, by=analyst)

    again.refresh_from_db()
    assert not created and again.pk == first.pk
    assert again.status == "fetched"
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_feed_relisting_a_failed_url_does_not_refetch_it(site, committed):
    url = site.page("/dead", "gone", status=404)
    with committed():
        article_submit_url(url=url)
    with committed():
        article, _ = article_submit_url(url=url, origin="feed")

    article.refresh_from_db()
    assert article.status == "failed"
    assert site.hit_count("/dead") == 1
