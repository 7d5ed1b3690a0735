"""Turn a fetched page (or a pasted text) into clean plain text and metadata.

No Django here. The main text comes from trafilatura; the publication time comes first
from the page's own machine-readable metadata (which carries a time and a zone), then
from trafilatura's date finder (a day).
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

import lxml.html
import trafilatura
from lxml import etree

from sources.canonical import line_clean, text_clean

_DATE_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@property='og:published_time']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publish-date']/@content",
    "//meta[@name='parsely-pub-date']/@content",
    "//meta[@name='DC.date.issued']/@content",
    "//time[@itemprop='datePublished']/@datetime",
)
_LANG_META = (
    "/html/@lang",
    "/html/@xml:lang",
    "//meta[@http-equiv='content-language']/@content",
    "//meta[@property='og:locale']/@content",
)
_HTML_TAG = re.compile(r"</?(?:[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?>")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head")


@dataclass
class PageContent:
    """What a page says, as plain text and metadata."""

    text: str
    title: str = ""
    published_at: datetime | None = None
    language: str = ""
    site_name: str = ""


def datetime_parse(value: str, *, default_tz=UTC) -> datetime | None:
    """An ISO 8601 date or date-time (as pages write them) as an aware datetime, or None."""
    value = (value or "").strip()
    if not value:
        return None
    value = value.replace("Z", "+00:00").replace("z", "+00:00")
    # "+0300" (no colon) is common in feeds and pages; fromisoformat wants "+03:00" before 3.11's full support.
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(datetime.strptime(value[:10], "%Y-%m-%d").date(), time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed


def _language(tag: str) -> str:
    primary = re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _first(tree, xpaths) -> str:
    for xpath in xpaths:
        try:
            values = tree.xpath(xpath, namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
        except etree.XPathError:
            continue
        for value in values:
            if str(value).strip():
                return str(value).strip()
    return ""


def _json_ld_date(tree) -> str:
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    return item["datePublished"]
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return ""


def _parse_html(body: bytes, charset: str | None):
    try:
        parser = lxml.html.HTMLParser(encoding=charset) if charset else None
        return lxml.html.document_fromstring(body, parser=parser)
    except (etree.ParserError, LookupError, ValueError):
        return None


def page_extract(body: bytes, *, url: str = "", content_type: str = "text/html", charset: str | None = None):
    """The main text and metadata of a fetched page, or None when it has no readable text."""
    if content_type == "text/plain":
        text = text_clean(body.decode(charset or "utf-8", errors="replace"))
        return PageContent(text=text) if text else None

    tree = _parse_html(body, charset)
    source: bytes | str = body
    if charset:
        try:
            source = body.decode(charset, errors="replace")
        except LookupError:
            source = body
    document = trafilatura.bare_extraction(
        source,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    text = text_clean(document.text or "") if document is not None else ""
    if not text:
        return None

    published_at = None
    language = ""
    if tree is not None:
        published_at = datetime_parse(_first(tree, _DATE_META) or _json_ld_date(tree))
        language = _language(_first(tree, _LANG_META))
    if published_at is None and document.date:
        published_at = datetime_parse(document.date)
    return PageContent(
        text=text,
        title=line_clean(document.title or "")[:1000],
        published_at=published_at,
        language=language or _language(getattr(document, "language", None) or ""),
        site_name=line_clean(document.sitename or "")[:200],
    )


_WARM_UP_PAGE = (
    b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    b"<p>A page the worker reads once at start, so that the first real article does not pay for"
    b" loading the reader's word lists and tables.</p></article></body></html>"
)


def warm_up() -> None:
    """Read a small built-in page once: trafilatura loads its stop lists on first use (~0.4 s)."""
    page_extract(_WARM_UP_PAGE, url="http://warm-up.invalid/", charset="utf-8")


def looks_like_html(text: str) -> bool:
    """True when pasted text carries HTML markup rather than plain prose."""
    return len(_HTML_TAG.findall(text[:20000])) >= 2 or bool(re.search(r"<\s*(script|style|html|body)\b", text, re.I))


def text_from_paste(text: str) -> str:
    """Plain text from what an analyst pasted: markup (if any) removed, never executed or kept."""
    if not looks_like_html(text):
        return text_clean(text)
    try:
        tree = lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return text_clean(_HTML_TAG.sub(" ", text))
    for element in list(tree.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return text_clean(tree.text_content())
