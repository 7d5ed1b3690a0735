"""Canonical URLs and text: the cases mutation testing showed no test pinned down (docs/TESTING.md).

Every expected value is written out by hand. The error messages are pinned because the submit
form shows them to the person who pasted the URL.
"""

import pytest

from sources.canonical import InvalidURL, line_clean, text_clean, text_normalised, url_canonical, url_host


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (None, "The URL must be text."),
        ("   ", "Enter a URL."),
        ("https://example.org/" + "a" * 1981, "The URL is longer than 2000 characters."),
        ("https://example.org/a b", "The URL contains spaces or control characters."),
        ("https://example.org:99999/", "The URL is malformed (Port out of range 0-65535)."),
        ("ftp://example.org/", "Only http:// and https:// URLs can be fetched."),
        ("https://user@example.org/", "URLs with a user name or password are not accepted."),
        ("https:///no-host", "The URL has no host name."),
        ("https://example.org:0/", "Port 0 is not a valid port."),
        ("https://a..b/", "The host name 'a..b' is not valid."),
        # 1,000 "é" are 6,000 characters once percent-encoded: too long only after canonicalising.
        ("https://example.org/" + "é" * 1000, "The URL is longer than 2000 characters."),
    ],
)
def test_each_refusal_says_why(bad, message):
    with pytest.raises(InvalidURL) as caught:
        url_canonical(bad)
    assert str(caught.value) == message


def test_a_url_of_exactly_the_maximum_length_is_accepted():
    url = "https://example.org/" + "a" * 1980  # 20 + 1980 = 2000 characters, before and after
    assert url_canonical(url) == url


def test_a_trailing_dot_on_the_host_is_dropped():
    assert url_canonical("https://example.org./a") == "https://example.org/a"


def test_an_ipv6_host_is_lower_cased():
    assert url_canonical("http://[::AbCd]/x") == "http://[::abcd]/x"


def test_reserved_characters_in_the_path_are_kept_as_they_are():
    assert url_canonical("https://example.org/a:b@c!$&'()*+,;=d") == "https://example.org/a:b@c!$&'()*+,;=d"


def test_a_tracking_parameter_whose_value_holds_an_equals_sign_is_still_dropped():
    assert url_canonical("https://example.org/a?fbclid=x=y&id=1") == "https://example.org/a?id=1"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://news.example.org/a", "news.example.org"),
        ("https://www.example.org./a", "example.org"),
        ("not a url", ""),
    ],
)
def test_outlet_domain(url, host):
    assert url_host(url) == host


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
    ],
)
def test_stored_text_has_unix_newlines(given, expected):
    assert text_clean(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, ""),
        ("  Kyiv   Post\n", "Kyiv Post"),
    ],
)
def test_one_line_values(given, expected):
    assert line_clean(given) == expected


def test_hashed_text_has_single_spaces():
    assert text_normalised(" a \n b\t") == "a b"
