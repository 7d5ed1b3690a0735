"""The fetch and extraction claims are one UPDATE ... RETURNING each (issue 19: the ORM built each
claim for every article and a second statement read the row or its token back). The rules they
claim by are the ones before: a free row is taken, a row held by a live worker is not, a lapsed
or taken-over one counts the lapse, and one at its last lapse is given up.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.models import Article
from sources.services import article_extraction_claim, article_fetch_and_store, leases
from tests.factories import ArticleFactory
from tests.sources.pages import article_html

STORY = "Two drones struck a warehouse in Kharkiv on 3 March 2025, injuring four people, the governor said."


def queued(site, **kw):
    url = site.page("/story", article_html("Warehouse hit", STORY))
    return ArticleFactory(url=url, canonical_url=url, status="queued", text="", **kw)


@pytest.mark.django_db
def test_a_fetch_claims_and_reads_its_row_in_one_statement(site):
    article = queued(site)
    with CaptureQueriesContext(connection) as ctx:
        assert article_fetch_and_store(article_id=article.pk, send_extract=False) == "fetched"
    first, *rest = [q["sql"] for q in ctx.captured_queries]
    assert first.lstrip().startswith("UPDATE sources_article") and "RETURNING" in first
    # No read of the row by its id after the claim (there was one: the row fetched back).
    assert not [sql for sql in rest if sql.startswith('SELECT "sources_article"."id", "sources_article"."created_at"')]
    article.refresh_from_db()
    assert (article.status, article.attempts, article.lease_lapses) == ("fetched", 1, 0)
    assert article.text == "Warehouse hit\n" + STORY


@pytest.mark.django_db
def test_a_fetch_leaves_a_row_a_live_worker_holds(site):
    later = timezone.now() + timedelta(seconds=60)
    article = queued(site, attempts=1)
    Article.objects.filter(pk=article.pk).update(status="fetching", lease_expires_at=later)
    assert article_fetch_and_store(article_id=article.pk) is None
    article.refresh_from_db()
    assert (article.status, article.attempts, article.lease_lapses) == ("fetching", 1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("lapsed", "takeover"), [(True, False), (False, True)])
def test_a_fetch_takes_a_lapsed_or_lost_workers_row_counting_the_lapse(site, lapsed, takeover):
    lease = timezone.now() + timedelta(seconds=-5 if lapsed else 60)
    article = queued(site, attempts=1)
    Article.objects.filter(pk=article.pk).update(status="fetching", lease_expires_at=lease)
    assert article_fetch_and_store(article_id=article.pk, takeover=takeover, send_extract=False) == "fetched"
    article.refresh_from_db()
    assert (article.status, article.attempts, article.lease_lapses) == ("fetched", 2, 1)


@pytest.mark.django_db
def test_a_fetch_gives_up_a_row_at_its_last_lapse(site):
    article = queued(site, attempts=2)
    Article.objects.filter(pk=article.pk).update(
        status="fetching", lease_expires_at=timezone.now() - timedelta(seconds=5), lease_lapses=2
    )
    assert article_fetch_and_store(article_id=article.pk) == "failed"
    article.refresh_from_db()
    assert (article.status, article.attempts, article.lease_lapses) == ("failed", 2, 2)
    assert article.error.startswith("Gave up after 3 attempts")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "lease_in", "lapses", "takeover", "claimed", "after"),
    [
        ("fetched", None, 0, False, True, ("extracting", 0)),
        ("extracted", None, 1, False, True, ("extracting", 1)),  # re-extraction keeps its token
        ("extracting", 60, 0, False, False, ("extracting", 0)),  # a live worker holds it
        ("extracting", -5, 0, False, True, ("extracting", 1)),  # its lease lapsed: the lapse counted
        ("extracting", 60, 1, True, True, ("extracting", 2)),  # its worker was lost: taken at once
        ("extracting", -5, 2, False, False, ("failed", 2)),  # its last lapse: given up
        ("queued", None, 0, False, False, ("queued", 0)),  # nothing stored to extract
    ],
)
def test_the_extraction_claim_returns_its_token(status, lease_in, lapses, takeover, claimed, after):
    lease = timezone.now() + timedelta(seconds=lease_in) if lease_in is not None else None
    article = ArticleFactory(status=status, text=STORY, lease_expires_at=lease, lease_lapses=lapses)
    with CaptureQueriesContext(connection) as ctx:
        assert article_extraction_claim(article_id=article.pk, takeover=takeover) is claimed
    if claimed:
        assert len(ctx.captured_queries) == 1  # the claim and its token: one statement
        assert leases.token(leases.EXTRACT, article.pk) == after[1]
        leases.drop(leases.EXTRACT, article.pk)
    article.refresh_from_db()
    assert (article.status, article.lease_lapses) == after
