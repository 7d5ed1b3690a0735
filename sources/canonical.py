"""Canonical URLs and content hashes: the natural keys that make ingest exactly-once.

Pure functions, no Django: the same URL written two ways must give the same key, and
the same text with different spacing must give the same hash.
"""

import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

MAX_URL_LENGTH = 2000

# Query parameters that only say where a click came from; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "ref_src",
        "ref_url",
        "igshid",
        "igsh",
        "_ga",
        "_gl",
        "mkt_tok",
        "twclid",
        "ttclid",
        "li_fat_id",
        "s_cid",
        "cmpid",
        "ocid",
        "ncid",
        "at_medium",
        "at_campaign",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when re-quoting a path or query (RFC 3986 reserved + unreserved + "%").
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class InvalidURL(ValueError):
    """A URL that cannot be fetched at all: malformed, not http(s), or carrying credentials."""


def _is_tracking(pair: str) -> bool:
    name = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _ascii_host(host: str) -> str:
    """Internationalised host names in their ASCII (punycode) form, so both spellings match."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidURL(f"The host name {host!r} is not valid.") from None


def url_canonical(url: str) -> str:
    """The one spelling of ``url`` used as its key.

    Scheme and host lower-cased, default port dropped, fragment removed, tracking
    parameters removed, the other query parameters kept in their order. Raises
    ``InvalidURL`` for anything that is not a plain http(s) URL.
    """
    if not isinstance(url, str):
        raise InvalidURL("The URL must be text.")
    url = url.strip()
    if not url:
        raise InvalidURL("Enter a URL.")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if _CONTROL.search(url):
        raise InvalidURL("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"The URL is malformed ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("Only http:// and https:// URLs can be fetched.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidURL("URLs with a user name or password are not accepted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURL("The URL has no host name.")
    netloc = f"[{host.lower()}]" if ":" in host else _ascii_host(host).lower()  # IPv6 literals keep brackets
    if port is not None and port != DEFAULT_PORTS[scheme]:
        if port == 0:
            raise InvalidURL("Port 0 is not a valid port.")
        netloc = f"{netloc}:{port}"
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    pairs = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    query = quote("&".join(pairs), safe=_SAFE_QUERY)
    canonical = urlunsplit((scheme, netloc, path, query, ""))
    if len(canonical) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    return canonical


def url_host(url: str) -> str:
    """The lower-cased host of ``url`` without a leading ``www.`` (an outlet's domain)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


# --- Text ---

# Control characters PostgreSQL or a reader cannot use (NUL is refused by PostgreSQL text).
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def text_clean(text: str) -> str:
    """Text as stored: NFC, no control characters, Unix newlines, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BAD_CHARS.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def line_clean(text: str) -> str:
    """A one-line value (title, outlet name): cleaned, whitespace collapsed."""
    return " ".join(text_clean(text or "").split())


def text_normalised(text: str) -> str:
    """What the content hash is taken over: NFC, whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: the same words with other spacing hash the same."""
    return hashlib.sha256(text_normalised(text).encode("utf-8")).hexdigest()
