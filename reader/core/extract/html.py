"""HTML pages: parse once, read the metadata, let readability find the article, clean it up, and
turn it into typed blocks."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from reader.core.errors import ExtractionError
from reader.core.models import Article, Block, BlockKind, RawPage

from .blocks import MAX_BLOCKS, to_blocks
from .cleanup import clean_article, clean_blocks
from .decode import decode_text
from .metadata import Metadata, extract_metadata
from .readable import find_article, strip_for_scoring
from .repair import hoist_void_content, repair_markup

MAX_HTML_CHARS = 25_000_000
NOTICE_PREFIX = "Readmark: "
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_html(text: str) -> lxml.html.HtmlElement:
    """The one parse of the page."""
    return parse_html_noting(text)[0]


def parse_html_noting(text: str) -> tuple[lxml.html.HtmlElement, list[str]]:
    """The one parse of the page, and notices of what had to be left out to make it safe."""
    notices: list[str] = []
    if len(text) > MAX_HTML_CHARS:
        notices.append(
            f"This page is longer than {MAX_HTML_CHARS:,} characters; the rest was left out."
        )
    text = _CONTROL.sub("", _XML_PROLOG.sub("", text[:MAX_HTML_CHARS], count=1))
    if not text.strip():
        raise ExtractionError("The page is empty.")
    text, repairs = repair_markup(text)
    notices.extend(repairs.notices())
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError("The page could not be read as HTML.") from exc
    if not isinstance(root.tag, str):
        raise ExtractionError("The page could not be read as HTML.")
    hoist_void_content(root)
    return root, notices


def document_base(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The URL relative links resolve against: the page's `<base href>`, else the page URL.

    Links are resolved only when a block keeps them, which is much cheaper than rewriting every
    link of the page up front.
    """
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url or "", str(href))
            except ValueError:
                return url
    return url


def article_from_html(text: str, url: str | None = None) -> Article:
    root, notices = parse_html_noting(text)
    base = document_base(root, url)
    meta = extract_metadata(root, base)
    strip_for_scoring(root)
    try:
        element = find_article(root, base)
    except Exception as exc:  # readability raises its own Unparseable and lxml errors
        raise ExtractionError("No article could be found on this page.") from exc
    if element is None:
        raise ExtractionError("No article could be found on this page.")
    clean_article(element)
    blocks = to_blocks(element, base)
    if _needs_second_opinion(blocks):
        blocks = _second_opinion(text, base, blocks) or blocks
    if len(blocks) >= MAX_BLOCKS:
        notices.append(f"This page has more than {MAX_BLOCKS:,} blocks; the rest was left out.")
    blocks = clean_blocks(blocks, meta.title, meta.byline)
    # What was left out for safety is said in the article itself, where every reader of it
    # (the window, `show`, the exports) sees it.
    blocks.extend(Block(BlockKind.PARAGRAPH, f"{NOTICE_PREFIX}{notice}") for notice in notices)
    return _article(meta, blocks, url)


# Below this many words readability has probably found a fragment (a caption, a teaser) rather
# than the article; trafilatura then gets a say. Measured on the benchmark pages, asking it more
# often (for example when long paragraphs lie outside readability's choice) helps as many pages
# as it harms.
MIN_ARTICLE_WORDS = 50
# Words, with each CJK character counted on its own (those scripts do not separate words).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


def _needs_second_opinion(blocks: list[Block]) -> bool:
    return sum(len(_TOKEN.findall(b.text)) for b in blocks) < MIN_ARTICLE_WORDS


def _second_opinion(text: str, url: str | None, blocks: list[Block]) -> list[Block] | None:
    """trafilatura's reading of the page, when it holds what readability's does and more."""
    try:
        import trafilatura

        result = trafilatura.extract(
            text,
            url=url,
            output_format="html",
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
        )
    except Exception:  # a second opinion is optional; any failure keeps the first one
        return None
    if not result:
        return None
    try:
        other = to_blocks(lxml.html.document_fromstring(result), url)
    except (lxml.etree.ParserError, ValueError):
        return None
    ours = Counter(_TOKEN.findall(" ".join(b.text for b in blocks).casefold()))
    theirs = Counter(_TOKEN.findall(" ".join(b.text for b in other).casefold()))
    ours_total, theirs_total = sum(ours.values()), sum(theirs.values())
    if not ours_total or not theirs_total:
        return other if theirs_total > ours_total else None
    covered = sum((ours & theirs).values()) / ours_total
    if covered >= 0.8 and theirs_total >= 1.1 * ours_total:
        return other
    return None


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
