"""What an entry of a feed becomes before extraction, and whether it carries the whole article."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Any

from reader.core.feeds.model import Entry
from reader.core.feeds.parse import words_in_html
from reader.core.models import Article

# A feed entry whose content has this many words is taken as the whole article; a shorter one
# is a summary, and the entry's page is fetched.
FULL_CONTENT_MIN_WORDS = 150


def entry_html(entry: Entry, body: str) -> bytes:
    """A small page holding the entry's own HTML, for the extraction stage."""
    title = escape(entry.title or "")
    byline = f'<meta name="author" content="{escape(entry.author)}">' if entry.author else ""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{byline}'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def has_full_content(entry: Entry, min_words: int = FULL_CONTENT_MIN_WORDS) -> bool:
    body = entry.content_html or entry.summary_html
    return bool(body) and (not entry.url or words_in_html(body) >= min_words)


def with_entry(article: Article, entry: Entry, feed_name: str, *, from_feed: bool) -> Article:
    """The feed's own metadata where it is better than what extraction found."""
    changes: dict[str, Any] = {}
    if entry.title and (from_feed or not article.title.strip()):
        changes["title"] = entry.title
    if entry.author and (from_feed or not article.byline):
        changes["byline"] = entry.author
    if entry.published and (from_feed or not article.published):
        changes["published"] = entry.published
    if feed_name and not article.site_name:
        changes["site_name"] = feed_name
    if entry.url and not article.url:
        changes["url"] = entry.url
    return replace(article, **changes) if changes else article
