"""HTML pages: parse once, read the metadata, let readability find the article, clean it up, and
turn it into typed blocks."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from reader.core.errors import ExtractionError
from reader.core.models import Article, Block, BlockKind, RawPage

from .blocks import to_blocks
from .cleanup import clean_article, clean_blocks
from .decode import decode_text
from .metadata import Metadata, extract_metadata
from .readable import find_article, strip_for_scoring

MAX_HTML_CHARS = 25_000_000
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_html(text: str, base_url: str | None = None) -> lxml.html.HtmlElement:
    """One parse of the page; links are made absolute against the page URL (or its <base>)."""
    text = _CONTROL.sub("", _XML_PROLOG.sub("", text[:MAX_HTML_CHARS], count=1))
    if not text.strip():
        raise ExtractionError("The page is empty.")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError("The page could not be read as HTML.") from exc
    if not isinstance(root.tag, str):
        raise ExtractionError("The page could not be read as HTML.")
    try:
        if base_url:
            root.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
        else:
            root.resolve_base_href(handle_failures="discard")
    except ValueError:
        pass  # a malformed <base>: links stay relative and are dropped later
    return root


def article_from_html(text: str, url: str | None = None) -> Article:
    root = parse_html(text, url)
    meta = extract_metadata(root, url)
    strip_for_scoring(root)
    try:
        element = find_article(root, url)
    except Exception as exc:  # readability raises its own Unparseable and lxml errors
        raise ExtractionError("No article could be found on this page.") from exc
    if element is None:
        raise ExtractionError("No article could be found on this page.")
    clean_article(element)
    blocks = clean_blocks(to_blocks(element, url), meta.title, meta.byline)
    return _article(meta, blocks, url)


def _article(meta: Metadata, blocks: list[Block], url: str | None) -> Article:
    title = meta.title
    if not title:
        heading = next((b.text for b in blocks if b.kind is BlockKind.HEADING), "")
        title = heading or next((b.text[:120] for b in blocks if b.text), "")
    return Article(
        title=title,
        blocks=tuple(blocks),
        byline=meta.byline,
        site_name=meta.site_name,
        published=meta.published,
        lang=meta.lang,
        url=url,
        canonical_url=meta.canonical_url,
        lead_image=meta.lead_image,
        excerpt=meta.excerpt,
    )


def extract_html(raw: RawPage) -> Article:
    return article_from_html(decode_text(raw), raw.url)
