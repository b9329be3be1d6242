"""HTML pages: parse once, read the metadata, let readability find the article, clean it up, and
turn it into typed blocks."""

from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from reader.core.errors import ExtractionError
from reader.core.models import Article, Block, BlockKind, RawPage

from .blocks import MAX_BLOCKS, to_blocks
from .choice import (
    MIN_WORDS,
    Candidates,
    Reading,
    choose,
    declared,
    trafilatura_reading,
    whole_page_reading,
)
from .choice import reading as reading_of
from .cleanup import clean_article, clean_blocks
from .decode import decode_text
from .log import READABILITY, READMARK, TRAFILATURA, WHOLE_PAGE, ExtractionLog, log_name
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


def article_from_html(text: str, url: str | None = None, reading: str = READMARK) -> Article:
    return read_html(text, url, reading)[0]


def read_html(
    text: str, url: str | None = None, reading: str = READMARK, compare: bool = False
) -> tuple[Article, ExtractionLog]:
    """The article, and the log of which reading was kept and why.

    `reading` forces one reading (see `log.READINGS`); `compare` makes every reading, so that
    the log shows all their lengths (slower: for a person asking, not for adding).
    """
    root, notices = parse_html_noting(text)
    base = document_base(root, url)
    meta = extract_metadata(root, base)
    page = declared(root)
    # Readability changes the tree it reads; the whole-page reading needs the page as it was.
    snapshot = None if page.article else copy.deepcopy(root)
    strip_for_scoring(root)
    try:
        element = find_article(root, base)
    except Exception:  # readability raises its own Unparseable and lxml errors
        element = None
    blocks = []
    if element is not None:
        clean_article(element)
        blocks = to_blocks(element, base)
    ours = reading_of("ours", blocks)
    other = None
    # A page that says it is an article and reads as one is left to readability alone.
    short = not (page.article and ours.words >= MIN_ARTICLE_WORDS)
    tried = compare or reading == TRAFILATURA or short
    if tried:
        other = trafilatura_reading(text, base, fast=not page.product)

    def whole() -> Reading:
        return whole_page_reading(snapshot if snapshot is not None else parse_html(text), base)

    candidates = Candidates(ours, other, page, whole)
    if reading == READMARK:
        chosen, rule = choose(candidates)
    else:
        chosen, rule = _asked(candidates, reading), "asked for"
    if compare:
        candidates.whole  # noqa: B018 -- made for the log's lengths
    if len(chosen.blocks) >= MAX_BLOCKS:
        notices.append(f"This page has more than {MAX_BLOCKS:,} blocks; the rest was left out.")
    blocks = clean_blocks(chosen.blocks, meta.title, meta.byline)
    notice = WHOLE_PAGE_NOTICE if chosen.name == "whole page" and reading == READMARK else ""
    if reading == READMARK and not _has_text(blocks) and chosen is not candidates.whole:
        blocks, notice = clean_blocks(candidates.whole.blocks, meta.title, None), WHOLE_PAGE_NOTICE
        chosen, rule = candidates.whole, "nothing left"
    if reading == READMARK and not _has_text(blocks) and meta.excerpt:
        blocks, notice = [Block(BlockKind.PARAGRAPH, meta.excerpt)], DESCRIPTION_NOTICE
        rule = "description"
    if not _has_text(blocks):
        if reading != READMARK:
            raise ExtractionError(f"The {reading} reading found no text on this page.")
        raise ExtractionError("No readable text was found on this page.")
    if notice:  # said first: the reader should know before reading on
        blocks.insert(0, Block(BlockKind.PARAGRAPH, f"{NOTICE_PREFIX}{notice}"))
    # What was left out for safety is said in the article itself, where every reader of it
    # (the window, `show`, the exports) sees it.
    blocks.extend(Block(BlockKind.PARAGRAPH, f"{NOTICE_PREFIX}{notice}") for notice in notices)
    log = ExtractionLog(
        reading=log_name(chosen.name) if rule != "description" else "description",
        rule=rule,
        words=_lengths(candidates, tried),
        asked=reading,
        left_out=_left_out(candidates.whole, chosen) if compare else (),
    )
    return _article(meta, blocks, url), log


MAX_LEFT_OUT = 8  # passages the log names
MAX_COMPARED = 2_000  # blocks of the whole page looked for in the kept reading
_LEFT_OUT_START = 80  # characters of each it shows


def _left_out(whole: Reading, kept: Reading) -> tuple[tuple[str, int], ...]:
    """The whole page's largest passages (blocks) that the kept reading does not hold."""
    held = " ".join(" ".join(block.text.split()) for block in kept.blocks)
    found = []
    for position, block in enumerate(whole.blocks[:MAX_COMPARED]):
        text = " ".join(block.text.split())
        if text and text not in held:
            found.append((position, text, reading_of("", [block]).words))
    largest = sorted(found, key=lambda item: -item[2])[:MAX_LEFT_OUT]
    return tuple(
        (text if len(text) <= _LEFT_OUT_START else text[: _LEFT_OUT_START - 1] + "…", words)
        for _position, text, words in sorted(largest)
    )


def _lengths(candidates: Candidates, tried: bool) -> tuple[tuple[str, int | None], ...]:
    """Each reading's length in words; None for one that was not made."""
    other = candidates.other.words if candidates.other is not None else (0 if tried else None)
    whole = candidates.made_whole
    return (
        (READABILITY, candidates.ours.words),
        (TRAFILATURA, other),
        (WHOLE_PAGE, None if whole is None else whole.words),
    )


def _asked(candidates: Candidates, reading: str) -> Reading:
    """The reading a person asked for; an error when it found nothing."""
    if reading == READABILITY:
        found: Reading | None = candidates.ours
    elif reading == TRAFILATURA:
        found = candidates.other
    elif reading == WHOLE_PAGE:
        found = candidates.whole
    else:
        raise ValueError(f"unknown reading {reading!r}")
    if found is None or found.words < MIN_WORDS:
        raise ExtractionError(f"The {reading} reading found no text on this page.")
    return found


def _has_text(blocks: list[Block]) -> bool:
    return any(block.text.strip() for block in blocks)


DESCRIPTION_NOTICE = (
    "This page holds no readable text of its own (it may be built by scripts); "
    "its description is shown instead."
)
WHOLE_PAGE_NOTICE = (
    "This page did not look like an article, so the whole page is shown, without its menus."
)


# Below this many words readability has probably found a fragment (a caption, a teaser) rather
# than the article, even on a page that says it is one.
MIN_ARTICLE_WORDS = 50


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
