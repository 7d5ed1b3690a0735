"""Fetch one URL safely: every redirect hop checked, connections pinned, the body capped.

No Django here: the caller passes a ``FetchConfig`` built from settings. Outcomes other
than a response are exceptions a caller can act on:

- ``FetchRefused``: policy said no (private address, PDF, too large, too many redirects).
  Never retried.
- ``FetchFailed``: the server answered, but not with a page (404, 410, a TLS certificate
  that does not match). Not retried.
- ``FetchTransient``: timeouts, refused or dropped connections, 5xx, 429. Worth retrying.
"""

import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx

from sources.safety import Refused, ResolveError, Resolver, Target, target_check

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_CODES = frozenset({408, 425, 429})

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = PAGE_TYPES | frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
    }
)
ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,text/html;q=0.5",
}
# Signatures of binary files served with a text content type (or none).
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF")


class FetchError(Exception):
    """Base of the fetch outcomes that are not a page; ``reason`` is shown to people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FetchRefused(FetchError):
    """Policy refused the URL or its response."""


class FetchFailed(FetchError):
    """A permanent failure: retrying will not help."""


class FetchTransient(FetchError):
    """A failure that may go away: time-outs, connection errors, 5xx."""


@dataclass(frozen=True)
class FetchConfig:
    """Limits for one fetch (built from the INGEST_* settings)."""

    allowed_hosts: tuple[str, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    user_agent: str = "Strikewatch/1.0"


@dataclass
class FetchResult:
    """A successful response (or a 304 for a conditional request)."""

    url: str
    status_code: int
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304


# --- Pinned connections ---


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the fetch's deadline.

    httpx's timeouts bound one socket operation each; a server sending its headers a byte at a
    time answers every read in time and could hold the worker for as long as it likes. Each
    operation here waits at most until the deadline, and none starts after it.
    """

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream = stream
        self._deadline = deadline

    def _within(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("The whole fetch's deadline passed.")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._within(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._within(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname, self._within(timeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to the addresses checked for one host, each ending by the
    fetch's deadline.

    httpcore still uses the URL's host name for the Host header, TLS SNI and certificate
    checks; only the address the socket connects to is replaced by a checked one.
    """

    def __init__(self, target: Target, deadline: float | None = None):
        self.target = target
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if host.strip("[]").lower() != self.target.host.lower() or port != self.target.port:
            # This transport is made for one host; anything else is a bug, never a fallback to DNS.
            raise httpcore.ConnectError(f"Connection to {host}:{port} is not the checked target.")
        last_error: Exception | None = None
        for address in self.target.addresses:
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return stream if self.deadline is None else _DeadlineStream(stream, self.deadline)
        raise last_error or httpcore.ConnectError("No address to connect to.")


_ssl_context = None


def _shared_ssl_context():
    # Loading the CA bundle takes tens of milliseconds; one verifying context serves every fetch.
    global _ssl_context
    if _ssl_context is None:
        _ssl_context = httpx.create_ssl_context(trust_env=False)
    return _ssl_context


class PinnedTransport(httpx.HTTPTransport):
    """An httpx transport whose connections go only to ``target.addresses``, and (given a
    ``deadline``, a ``time.monotonic()`` value) read and write nothing after it."""

    def __init__(self, target: Target, deadline: float | None = None):
        super().__init__(verify=_shared_ssl_context(), trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_shared_ssl_context(),
            max_connections=1,
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=_PinnedBackend(target, deadline),
        )


# --- Fetching ---


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _looks_binary(head: bytes) -> bool:
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head[:1024]


def _describe(media: str) -> str:
    if media == "application/pdf":
        return "a PDF document"
    if media.startswith(("image/", "video/", "audio/")):
        return f"{media.split('/')[0]} content ({media})"
    return f"of type {media}"


def _check_type(media: str, kind: str) -> None:
    allowed = FEED_TYPES if kind == "feed" else PAGE_TYPES
    if media and media not in allowed and not (kind == "feed" and media.endswith("+xml")):
        what = "feed" if kind == "feed" else "HTML or plain-text page"
        raise FetchRefused(f"Refused: the response is {_describe(media)}, not an {what}.")


def _read_capped(response: httpx.Response, *, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"Refused: the response is {int(declared):,} bytes, over the {max_bytes:,}-byte limit.")
    chunks: list[bytes] = []
    size = 0
    # iter_bytes() decompresses, so the cap also stops a small gzip that expands hugely.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"Refused: the response is over the {max_bytes:,}-byte limit.")
        if time.monotonic() > deadline:
            raise FetchTransient("The server was too slow: the page did not arrive in time.")
        chunks.append(chunk)
    return b"".join(chunks)


def _resolve_within(resolver: Resolver, seconds: float) -> Resolver:
    """Wrap ``resolver`` so a lookup that has not answered within ``seconds`` fails as temporary.

    ``getaddrinfo`` takes no timeout and a hung resolver would hold the worker (and its lease)
    indefinitely, so the lookup runs in a daemon thread that is abandoned when time is up; the
    thread ends whenever the system resolver gives up on its own.
    """

    def resolve(host, port, **kwargs):
        outcome: dict = {}

        def run():
            try:
                outcome["value"] = resolver(host, port, **kwargs)
            except BaseException as exc:  # handed to the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
        worker.start()
        worker.join(max(seconds, 0.0))
        if worker.is_alive():
            raise ResolveError(f"Timed out resolving the host name {host} after {seconds:.1f} s.", temporary=True)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return resolve


def fetch(
    url: str,
    *,
    config: FetchConfig,
    kind: str = "page",
    etag: str = "",
    last_modified: str = "",
    resolver: Resolver | None = None,
) -> FetchResult:
    """GET ``url`` (a page or a feed), following at most ``config.max_redirects`` checked redirects.

    ``config.total_timeout`` is one deadline for the whole fetch: each name lookup, connect,
    and every socket read and write of every hop (headers included) gets at most the time that
    is left, so a hung resolver, a server trickling its headers or its redirects cannot hold a
    worker past it.
    """
    deadline = time.monotonic() + config.total_timeout
    headers = {"User-Agent": config.user_agent, "Accept": ACCEPT[kind]}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    redirects: list[str] = []
    for _hop in range(config.max_redirects + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchTransient(f"Timed out: the whole fetch took longer than {config.total_timeout:g} s.")
        # Every wait of this hop is capped by the time left, so the hop ends by the deadline.
        timeout = httpx.Timeout(
            connect=min(config.connect_timeout, left),
            read=min(config.read_timeout, left),
            write=min(config.read_timeout, left),
            pool=min(config.connect_timeout, left),
        )
        try:
            check = {
                "allowed_hosts": config.allowed_hosts,
                "resolver": _resolve_within(resolver or socket.getaddrinfo, min(config.connect_timeout, left)),
            }
            target = target_check(current, **check)
        except Refused as exc:
            prefix = f"Redirected to {current}. " if redirects else ""
            raise FetchRefused(prefix + exc.reason) from None
        except ResolveError as exc:
            raise (FetchTransient if exc.temporary else FetchFailed)(exc.reason) from None
        try:
            with (
                httpx.Client(
                    transport=PinnedTransport(target, deadline),
                    timeout=timeout,
                    follow_redirects=False,
                    trust_env=False,
                    headers=headers,
                ) as client,
                client.stream("GET", current) as response,
            ):
                code = response.status_code
                if code in REDIRECT_CODES:
                    location = response.headers.get("location", "").strip()
                    if not location:
                        raise FetchFailed(f"HTTP {code} redirect without a Location header.")
                    redirects.append(current)
                    current = urljoin(current, location)
                    continue
                if code == 304:
                    return FetchResult(url=current, status_code=code, redirects=redirects)
                if code >= 500 or code in TRANSIENT_CODES:
                    raise FetchTransient(f"HTTP {code} {response.reason_phrase} from the server.")
                if code >= 400:
                    raise FetchFailed(f"HTTP {code} {response.reason_phrase}.")
                if not 200 <= code < 300:
                    raise FetchFailed(f"Unexpected HTTP {code} {response.reason_phrase}.")
                media, charset = _media_type(response.headers.get("content-type", ""))
                _check_type(media, kind)
                body = _read_capped(response, max_bytes=config.max_bytes, deadline=deadline)
                if _looks_binary(body[:1024]):
                    raise FetchRefused("Refused: the response is a binary file, not a text page.")
                return FetchResult(
                    url=current,
                    status_code=code,
                    content_type=media or "text/html",
                    charset=charset,
                    body=body,
                    etag=response.headers.get("etag", "")[:500],
                    last_modified=response.headers.get("last-modified", "")[:100],
                    redirects=redirects,
                )
        except httpx.TimeoutException as exc:
            raise FetchTransient(f"Timed out: {type(exc).__name__} talking to {target.host}.") from None
        except httpx.TransportError as exc:
            message = str(exc) or type(exc).__name__
            if "CERTIFICATE_VERIFY_FAILED" in message or "certificate" in message.lower():
                raise FetchFailed(f"TLS certificate problem with {target.host}: {message}") from None
            raise FetchTransient(f"Connection problem with {target.host}: {message}") from None
        except httpx.HTTPError as exc:
            raise FetchFailed(f"The request could not be made: {exc}") from None
    raise FetchRefused(f"Refused: more than {config.max_redirects} redirects.")
