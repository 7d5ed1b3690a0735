"""Extraction tests are pure; the few that also link an article borrow the linking fixtures."""

from tests.linking.conftest import make_article, reference  # noqa: F401
