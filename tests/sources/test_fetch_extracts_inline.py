"""A worker that serves both the fetch and the extraction queues extracts the article its fetch
task stored, in that task, instead of sending itself a second message (issue 19: the second
task cost ~8 ms of the worker's CPU per article). Other workers, eager runs and a switched-off
extraction send the message as before. A fetch message delivered again after the text was stored
(its worker lost mid-extraction) extracts the stored text.
"""

from types import SimpleNamespace

import pytest

from config.celery import app as celery_app
from sources.models import Article
from sources.services import EXTRACT_TASK
from sources.tasks import article_fetch, extraction_task_here
from tests.factories import ArticleFactory
from tests.sources.pages import article_html

STORY = "Two drones struck a warehouse in Kharkiv on 3 March 2025, injuring four people, the governor said."


def running_in(queues, *, eager=False):
    """A stand-in for the fetch task as a worker consuming ``queues`` runs it."""
    request = SimpleNamespace(is_eager=eager, called_directly=False)
    queues = SimpleNamespace(consume_from={name: object() for name in queues})
    app = SimpleNamespace(amqp=SimpleNamespace(queues=queues), tasks=celery_app.tasks)
    return SimpleNamespace(request=request, app=app)


def test_only_a_worker_consuming_the_extraction_queue_extracts_in_the_fetch_task(settings):
    settings.INGEST_RUN_EXTRACTION = True
    assert extraction_task_here(running_in(["default", "feeds", "fetch", "extract"])).name == EXTRACT_TASK
    assert extraction_task_here(running_in(["feeds", "fetch"])) is None  # extraction runs elsewhere
    assert extraction_task_here(running_in(["fetch", "extract"], eager=True)) is None  # tests, `make run`
    settings.INGEST_RUN_EXTRACTION = False
    assert extraction_task_here(running_in(["fetch", "extract"])) is None


@pytest.fixture
def inline(settings, monkeypatch):
    """Extraction on, and the fetch task run as in a worker that also serves the extraction queue."""
    settings.INGEST_RUN_EXTRACTION = True
    monkeypatch.setattr("sources.tasks.extraction_task_here", lambda task: celery_app.tasks[EXTRACT_TASK])


@pytest.mark.django_db
def test_the_fetch_task_extracts_what_it_stored_and_sends_no_message(site, inline, monkeypatch):
    sent = []
    monkeypatch.setattr("sources.services.articles.send_extract", sent.append)
    url = site.page("/story", article_html("Warehouse hit", STORY))
    article = ArticleFactory(url=url, canonical_url=url, status="queued", text="")
    assert article_fetch(article.pk) == "fetched"
    assert sent == []  # no extraction message: it was done here
    article.refresh_from_db()
    # Extracted in the same task: the report is written (no places are loaded here, so it links nothing).
    assert article.status == "extracted"
    assert article.report is not None and "is_strike_report" in article.report


@pytest.mark.django_db
def test_a_fetch_message_delivered_again_extracts_the_text_stored_before(site, inline):
    # The worker stored the text, then was lost before extracting it: the message comes back.
    article = ArticleFactory(status="fetched", attempts=1, text=STORY, title="Warehouse hit")
    assert article_fetch(article.pk) is None  # nothing to fetch
    assert Article.objects.get(pk=article.pk).status == "extracted"
    # Delivered once more: an extracted article is neither fetched nor extracted again.
    report = Article.objects.get(pk=article.pk).report
    assert article_fetch(article.pk) is None
    assert Article.objects.get(pk=article.pk).report == report
    assert site.hits == []
