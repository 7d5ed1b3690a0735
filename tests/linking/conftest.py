"""Fixtures for extraction and linking tests: the reference gazetteer in the test database."""

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def reference(db):
    """Places and munitions loaded as the real loader writes them."""
    from tests.reference_rows import reference_rows

    return reference_rows()


@pytest.fixture
def make_article():
    """An article as ingest leaves it: fetched, with text and publication date."""
    from tests.factories import ArticleFactory

    def make(text, published="2025-04-24", title="", **kw):
        day = dt.date.fromisoformat(published) if published else None
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))) if day else None
        return ArticleFactory(text=text, title=title, published_at=when, status="fetched", **kw)

    return make
