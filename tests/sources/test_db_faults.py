"""A transient database fault (dropped connection, server restarting) never marks an article failed
(issue 20): the row goes back to be retried."""

import pytest
from django.db import OperationalError

from sources.services import article_fetch_and_store
from tests.factories import ArticleFactory
from tests.sources.pages import article_html

pytestmark = pytest.mark.django_db

STORY = (
    "Officials said a drone struck a warehouse on the edge of the city overnight.",
    "Two workers were injured and taken to hospital, the regional governor added.",
)


def test_a_fetch_whose_database_write_fails_goes_back_to_the_queue_not_failed(site, monkeypatch):
    url = site.page("/news/warehouse", article_html("Warehouse hit", *STORY))
    article = ArticleFactory(url=url, canonical_url=url, status="queued", text="")

    def lost_connection(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("sources.services.fetching.text_store", lost_connection)
    with pytest.raises(OperationalError):
        article_fetch_and_store(article_id=article.pk)

    article.refresh_from_db()
    assert (article.status, article.error, article.lease_expires_at) == ("queued", "", None)


def test_an_extraction_whose_database_fails_is_handed_back_not_failed(monkeypatch):
    from linking.services import article_process

    article = ArticleFactory(text=" ".join(STORY), status="fetched")

    def lost_connection(article_id):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("linking.services.process._process", lost_connection)
    with pytest.raises(OperationalError):
        article_process(article_id=article.pk)

    article.refresh_from_db()
    assert (article.status, article.error, article.lease_expires_at) == ("fetched", "", None)
