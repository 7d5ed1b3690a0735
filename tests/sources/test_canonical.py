"""Canonical URLs and content hashes: the keys that make ingest exactly-once (pure functions)."""

import pytest

from sources.canonical import InvalidURL, text_clean, text_hash, url_canonical, url_host


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://News.Example.ORG/Story?id=7", "https://news.example.org/Story?id=7"),
        ("https://news.example.org:443/a", "https://news.example.org/a"),
        ("http://news.example.org:80/a", "http://news.example.org/a"),
        ("http://news.example.org:8080/a", "http://news.example.org:8080/a"),
        ("https://news.example.org/a#comments", "https://news.example.org/a"),
        ("https://news.example.org", "https://news.example.org/"),
        (
            "https://news.example.org/a?utm_source=tw&id=7&fbclid=x&utm_medium=social&gclid=1&page=2",
            "https://news.example.org/a?id=7&page=2",
        ),
        ("https://news.example.org/a?mc_cid=1&mc_eid=2&yclid=3&ref_src=4&igshid=5", "https://news.example.org/a"),
        ("https://news.example.org/a?b=2&a=1", "https://news.example.org/a?b=2&a=1"),
        ("  https://news.example.org/a  ", "https://news.example.org/a"),
        ("https://київ.example/новини", "https://xn--b1alf1j.example/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
    ],
)
def test_canonical_form(given, expected):
    assert url_canonical(given) == expected


def test_tracking_parameters_and_spelling_do_not_make_a_new_url():
    plain = url_canonical("https://news.example.org/kyiv-strike")
    assert url_canonical("https://NEWS.example.org:443/kyiv-strike?utm_source=telegram&utm_campaign=x#top") == plain


def test_query_parameters_that_change_the_page_are_kept():
    assert url_canonical("https://a.example/story?id=1") != url_canonical("https://a.example/story?id=2")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a url",
        "ftp://example.org/file",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:secret@example.org/",
        "https://user@example.org/",
        "https:///no-host",
        "https://example.org:99999/",
        "https://example.org:0/",
        "http://[::1/",
        "https://exa mple.org/",
        "https://example.org/\x00",
        "https://example.org/" + "a" * 2000,
        None,
        123,
    ],
)
def test_unfetchable_urls_are_invalid(bad):
    with pytest.raises(InvalidURL):
        url_canonical(bad)


def test_outlet_domain_drops_www():
    assert url_host("https://WWW.Example.org/a") == "example.org"


def test_same_text_with_other_spacing_hashes_the_same():
    assert text_hash("Twelve people  were\nkilled.\r\n") == text_hash(" Twelve people were killed.")
    assert text_hash("Twelve people were killed.") != text_hash("Eleven people were killed.")


def test_stored_text_loses_control_characters_postgres_refuses():
    assert text_clean("a\x00b\x07c\r\n\r\n\r\n\r\nd  \n") == "abc\n\nd"
