"""SSRF: private, loopback, link-local and metadata addresses are refused, with a reason,
and no request (not even a connection) is made to them, including via redirects."""

import httpx
import pytest

from sources.fetch import PinnedTransport
from sources.safety import Refused, Target, target_check
from sources.services import article_submit_url
from tests.sources.pages import article_html

STORY = ("A drone hit a warehouse on the outskirts overnight, regional officials said on Friday morning.",)


def hosts_connected(connections) -> set[str]:
    return {address[0] for address in connections if isinstance(address, tuple)}


def submit(url, committed):
    with committed():
        article, _ = article_submit_url(url=url)
    article.refresh_from_db()
    return article


# --- The check itself (no database) ---


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://localhost/", "localhost resolves to"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://2130706433/", "127.0.0.1, which is a loopback address"),  # 127.0.0.1 written as a number
        ("http://0x7f000001/", "loopback"),
        ("http://224.0.0.1/", "multicast"),
        ("http://100.64.0.1/", "non-public"),
        ("http://93.184.216.34:22/", "port 22 is not a web port"),
        ("gopher://93.184.216.34/", "only http and https"),
        ("http://user:pw@93.184.216.34/", "user name or password"),
    ],
)
def test_unsafe_targets_are_refused_with_a_reason(url, words):
    with pytest.raises(Refused) as refused:
        target_check(url, allowed_hosts=["127.0.0.1"])
    assert words in refused.value.reason


def test_allowed_host_passes_and_is_pinned_to_its_addresses():
    target = target_check("http://127.0.0.1:8765/x", allowed_hosts=["127.0.0.1"])
    assert target.addresses == ("127.0.0.1",)
    assert target.port == 8765


def test_public_address_passes():
    assert target_check("https://93.184.216.34/story").addresses == ("93.184.216.34",)


def test_connection_goes_to_the_checked_address_and_never_resolves_the_name_again(site, connections):
    """The transport connects to the address that was checked; the host name is only the Host header.

    "pinned.invalid" cannot resolve at all, so reaching the server proves no second lookup happened.
    """
    site.page("/pinned", "ok", content_type="text/plain")
    target = Target(url="", scheme="http", host="pinned.invalid", port=site.port, addresses=("127.0.0.1",))
    with httpx.Client(transport=PinnedTransport(target), trust_env=False) as client:
        response = client.get(f"http://pinned.invalid:{site.port}/pinned")

    assert response.text == "ok"
    assert site.hits[-1][1]["Host"] == f"pinned.invalid:{site.port}"
    assert hosts_connected(connections) == {"127.0.0.1"}


def test_pinned_transport_will_not_connect_anywhere_else(site):
    target = Target(url="", scheme="http", host="pinned.invalid", port=site.port, addresses=("127.0.0.1",))
    with (
        httpx.Client(transport=PinnedTransport(target), trust_env=False) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get(f"http://127.0.0.1:{site.port}/")
    assert site.hits == []


# --- Through the pipeline: the article records the refusal, nothing is requested ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "169.254.169.254"),
        ("http://[::1]:8080/", "::1"),
    ],
)
def test_private_and_metadata_addresses_are_refused_without_a_connection(url, address, committed, connections):
    article = submit(url, committed)

    assert article.status == "refused"
    assert f"{address} is a" in article.error
    assert address not in hosts_connected(connections)


@pytest.mark.django_db
def test_ipv6_loopback_server_gets_no_request(site6, committed, connections):
    site6.page("/secret", "internal")

    article = submit(site6.url("/secret"), committed)

    assert article.status == "refused"
    assert "loopback" in article.error
    assert site6.hits == []
    assert "::1" not in hosts_connected(connections)


@pytest.mark.django_db
def test_host_name_resolving_to_loopback_is_refused_when_not_allowed(site, committed, connections):
    site.page("/internal", article_html("Internal", *STORY))

    article = submit(f"http://localhost:{site.port}/internal", committed)

    assert article.status == "refused"
    assert "localhost resolves to 127.0.0.1, which is a loopback address" in article.error
    assert site.hits == []
    assert connections == []


@pytest.mark.django_db
def test_loopback_is_refused_when_the_allowance_is_removed(site, committed, settings):
    settings.INGEST_ALLOWED_HOSTS = []
    url = site.page("/internal", article_html("Internal", *STORY))

    article = submit(url, committed)

    assert article.status == "refused"
    assert site.hits == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "private",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]/",
        "http://localhost:{port}/secret",
        "http://2130706433:{port}/secret",
    ],
)
def test_public_looking_page_redirecting_to_a_private_address_is_refused(private, site, committed, connections):
    """The allowed test server plays a public site that answers with a redirect inwards."""
    private = private.format(port=site.port)
    site.page("/secret", "internal only")
    url = site.redirect("/innocent-story", private)

    article = submit(url, committed)

    assert article.status == "refused"
    assert f"Redirected to {private}" in article.error
    assert "address" in article.error
    assert site.hit_count("/innocent-story") == 1
    assert site.hit_count("/secret") == 0
    assert hosts_connected(connections) == {"127.0.0.1"}  # only the first hop was ever connected to


@pytest.mark.django_db
@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.org/"])
def test_redirect_to_another_scheme_is_refused(location, site, committed):
    url = site.redirect("/scheme", location)

    article = submit(url, committed)

    assert article.status == "refused"
    assert "only http and https" in article.error
