"""Parse an RSS or Atom document into the article links it lists. No Django here."""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from sources.canonical import line_clean

# feedparser reports these when a feed declares one encoding (or content type) and uses
# another; the entries it recovers are still right, so they are not an error worth showing.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass
class FeedItem:
    """One entry of a feed: where the article is, and what the feed says about it."""

    url: str
    title: str = ""
    published_at: datetime | None = None


@dataclass
class ParsedFeed:
    """The feed's title, its items, and an error message when the document is malformed."""

    title: str = ""
    items: list[FeedItem] = field(default_factory=list)
    error: str = ""


def _when(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def feed_parse(body: bytes, *, base_url: str, content_type: str = "") -> ParsedFeed:
    """Items of an RSS 2.0 / Atom / RDF document, links made absolute against ``base_url``."""
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=True)
    error = ""
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        error = f"Malformed feed: {parsed.get('bozo_exception')}"
    if not parsed.get("version") and not parsed.entries:
        error = error or "Not an RSS or Atom feed."
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            guid = entry.get("id") or ""
            link = guid if guid.startswith(("http://", "https://", "/")) else ""
        if not link:
            continue
        url = urljoin(base_url, link.strip())
        if url in seen:
            continue
        seen.add(url)
        items.append(FeedItem(url=url, title=line_clean(entry.get("title") or "")[:1000], published_at=_when(entry)))
    return ParsedFeed(title=line_clean(parsed.feed.get("title") or "")[:300], items=items, error=error)
