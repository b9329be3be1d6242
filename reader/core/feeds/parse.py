"""Feed bytes to entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand, and
the feed addresses a web page names in its `<link rel="alternate">`.

feedparser is only ever handed bytes in a stream, never an address, so it fetches nothing.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
from typing import Any
from urllib.parse import urljoin

from reader.core.errors import ReadmarkError
from reader.core.feeds.model import Entry, ParsedFeed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
MAX_ENTRIES = 500  # a feed listing more keeps its newest this many
MAX_DISCOVERY_BYTES = 2 * 1024 * 1024
# feedparser takes about 0.1 ms per element: past this many tags a feed is refused before it is
# parsed, so no feed costs more than seconds of work (real feeds stay far below it).
MAX_FEED_TAGS = 150_000
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


class FeedFormatError(ReadmarkError):
    """The bytes are not a feed Readmark can read; the message says what they are."""


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head))


def looks_like_json(data: bytes) -> bool:
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def words_in_html(html: str) -> int:
    """About how many words a piece of HTML shows (tags dropped, entities left as they are)."""
    return len(_WORD.findall(_TAG.sub(" ", html)))


def parse_feed(data: bytes, url: str) -> ParsedFeed:
    """The feed in `data` (fetched from `url`, which resolves relative links)."""
    if looks_like_json(data):
        return _parse_json_feed(data, url)
    if looks_like_html(data):
        raise FeedFormatError(f"{url} is a web page (HTML), not a feed.")
    return _parse_xml_feed(data, url)


# -- RSS and Atom -------------------------------------------------------------------------------


def _parse_xml_feed(data: bytes, url: str) -> ParsedFeed:
    import feedparser  # type: ignore[import-untyped]

    if data.count(b"<") > MAX_FEED_TAGS:
        raise FeedFormatError(
            f"{url} has more than {MAX_FEED_TAGS:,} tags; Readmark does not read a feed that large."
        )
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-location": url, "content-type": "application/xml"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    version = str(parsed.get("version") or "")
    entries = [e for e in (_xml_entry(raw, url) for raw in parsed.entries) if e is not None]
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not entries:
        raise FeedFormatError(f"{url} is not a valid feed: {_describe(problem)}.")
    if not version and not entries:
        raise FeedFormatError(f"{url} is not an RSS, Atom or JSON feed.")
    info = parsed.feed
    kind = "atom" if version.startswith("atom") else "rss" if version else ""
    return ParsedFeed(
        title=_clean(info.get("title")),
        site_url=str(info.get("link") or ""),
        kind=kind,
        entries=tuple(entries[:MAX_ENTRIES]),
        warning=f"the feed has errors ({_describe(problem)}); what could be read was read"
        if problem is not None
        else "",
    )


def _describe(problem: Any) -> str:
    text = " ".join(str(problem).split())
    return text[:200] or type(problem).__name__


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _iso(parsed_time: Any) -> str | None:
    if not isinstance(parsed_time, time.struct_time):
        return None
    try:
        seconds = calendar.timegm(parsed_time)
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))
    except (OverflowError, ValueError):
        return None


def _guid(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _xml_entry(raw: Any, feed_url: str) -> Entry | None:
    link = str(raw.get("link") or "")
    title = _clean(raw.get("title"))
    published = _iso(raw.get("published_parsed")) or _iso(raw.get("updated_parsed"))
    content = ""
    for part in raw.get("content") or ():
        value = str(part.get("value") or "")
        if len(value) > len(content):
            content = value
    summary = str(raw.get("summary") or "")
    if summary == content:
        summary = ""
    if not (link or title or content or summary):
        return None
    guid = str(raw.get("id") or "") or link or _guid(feed_url, title, published or "", summary)
    return Entry(
        guid=guid[:2000],
        url=link if link.lower().startswith(("http://", "https://")) else "",
        title=title,
        author=_clean(raw.get("author")),
        published=published,
        summary_html=summary,
        content_html=content,
    )


# -- JSON Feed ---------------------------------------------------------------------------------


def _parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedFormatError(f"{url} is not a valid JSON feed: {exc}.") from exc
    except RecursionError as exc:
        raise FeedFormatError(f"{url} is JSON nested too deeply to be a feed.") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedFormatError(f"{url} is JSON but not a JSON Feed (no jsonfeed.org version).")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedFormatError(f"{url} is a JSON Feed without an items list.")
    entries = []
    for raw in items[:MAX_ENTRIES]:
        if isinstance(raw, dict):
            entry = _json_entry(raw, url)
            if entry is not None:
                entries.append(entry)
    return ParsedFeed(
        title=_clean(document.get("title")),
        site_url=_text(document.get("home_page_url")),
        kind="json",
        entries=tuple(entries),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_entry(raw: dict[str, Any], feed_url: str) -> Entry | None:
    link = _text(raw.get("url")) or _text(raw.get("external_url"))
    if link:
        link = urljoin(feed_url, link)
    title = _clean(_text(raw.get("title")))
    content = _text(raw.get("content_html"))
    if not content and _text(raw.get("content_text")):
        content = _paragraphs(_text(raw.get("content_text")))
    summary = _text(raw.get("summary"))
    summary_html = _paragraphs(summary) if summary else ""
    authors = raw.get("authors")
    author = ""
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        author = _text(authors[0].get("name"))
    elif isinstance(raw.get("author"), dict):
        author = _text(raw["author"].get("name"))
    published = _json_date(_text(raw.get("date_published")) or _text(raw.get("date_modified")))
    if not (link or title or content or summary):
        return None
    guid = _text(raw.get("id")) or (str(raw["id"]) if isinstance(raw.get("id"), int) else "")
    guid = guid or link or _guid(feed_url, title, published or "", summary)
    return Entry(
        guid=guid[:2000],
        url=link if link.lower().startswith(("http://", "https://")) else "",
        title=title,
        author=_clean(author),
        published=published,
        summary_html=summary_html,
        content_html=content,
    )


def _paragraphs(text: str) -> str:
    from html import escape

    return "".join(f"<p>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def _json_date(value: str) -> str | None:
    from reader.core.importers.items import iso_to_utc

    return iso_to_utc(value) if value else None


# -- discovery ---------------------------------------------------------------------------------


def discover(html: bytes, base_url: str) -> list[str]:
    """The feeds a page names in `<link rel="alternate" type="...feed type..." href="...">`."""
    import lxml.html

    try:
        document = lxml.html.document_fromstring(html[:MAX_DISCOVERY_BYTES])
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            address = urljoin(base_url, href)
            if address.lower().startswith(("http://", "https://")) and address not in found:
                found.append(address)
    return found
