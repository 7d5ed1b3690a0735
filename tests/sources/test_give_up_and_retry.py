"""The sweeper gives up on a fetch whose worker keeps dying, says why, and an analyst can retry (issue 20)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sources.models import Article
from sources.services import articles_requeue_stale
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def lapsed(attempts: int) -> Article:
    """A fetch whose lease lapsed on its ``attempts``-th try, its worker lost on each earlier one."""
    past = timezone.now() - timedelta(minutes=10)
    return ArticleFactory(
        status="fetching", attempts=attempts, lease_lapses=attempts - 1, lease_expires_at=past, text=""
    )


def test_a_fetch_whose_worker_died_three_times_is_given_up_with_the_reason(django_capture_on_commit_callbacks):
    third = lapsed(3)
    second = lapsed(2)

    with django_capture_on_commit_callbacks(execute=False):
        counts = articles_requeue_stale()

    third.refresh_from_db()
    second.refresh_from_db()
    assert (counts["given_up"], counts["lease_expired"]) == (1, 1)
    assert third.status == "failed"
    assert third.error.startswith("Gave up after 3 attempts: the worker fetching this stopped")
    assert second.status == "queued"


def test_an_analyst_retries_a_given_up_fetch_and_it_is_queued_from_zero(client, analyst):
    article = lapsed(3)
    Article.objects.filter(pk=article.pk).update(status="failed", error="Gave up after 3 attempts")
    client.force_login(analyst)

    response = client.post(reverse("article-retry", args=[article.pk]))

    article.refresh_from_db()
    assert response.status_code == 302
    assert (article.status, article.attempts, article.error) == ("queued", 0, "")


def test_a_researcher_cannot_retry_and_nothing_changes(client, researcher):
    article = lapsed(3)
    Article.objects.filter(pk=article.pk).update(status="failed", error="Gave up after 3 attempts")
    client.force_login(researcher)

    response = client.post(reverse("article-retry", args=[article.pk]))

    article.refresh_from_db()
    assert response.status_code == 403
    assert (article.status, article.attempts, article.error) == ("failed", 3, "Gave up after 3 attempts")


def test_the_failed_article_page_offers_retry(client, analyst):
    article = lapsed(3)
    Article.objects.filter(pk=article.pk).update(status="failed", error="Gave up after 3 attempts")
    client.force_login(analyst)

    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()

    assert f'action="/ingest/articles/{article.pk}/retry/"' in page
