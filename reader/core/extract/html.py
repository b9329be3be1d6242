"""HTML pages: readability-lxml finds the article, then we turn it into typed blocks."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
from readability import Document

from reader.core.models import Article, Block, BlockKind, Inline, RawPage

from .decode import decode_text

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_INLINE_KINDS = {"em": "em", "i": "em", "strong": "strong", "b": "strong", "code": "code"}


def _clean(text: str) -> str:
    return " ".join(text.split())


def _inline_text(element: lxml.html.HtmlElement, base_url: str | None) -> tuple[str, list[Inline]]:
    """Text of an element with its emphasis and links, whitespace collapsed."""
    pieces: list[str] = []
    inlines: list[Inline] = []

    def length() -> int:
        return len("".join(pieces))

    def walk(node: lxml.html.HtmlElement) -> None:
        start = length()
        if node.text:
            pieces.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    pieces.append(" ")
                else:
                    walk(child)
            if child.tail:
                pieces.append(child.tail)
        tag = node.tag if isinstance(node.tag, str) else ""
        if node is not element and length() > start:
            if tag in _INLINE_KINDS:
                inlines.append(Inline(start, length(), _INLINE_KINDS[tag]))
            elif tag == "a":
                href = _absolute(node.get("href"), base_url)
                if href:
                    inlines.append(Inline(start, length(), "link", href))

    walk(element)
    raw = "".join(pieces)
    # Collapse whitespace while keeping inline offsets pointing at the same characters.
    mapping: list[int] = []
    out: list[str] = []
    previous_space = True
    for index, char in enumerate(raw):
        mapping.append(len(out))
        if char.isspace():
            if not previous_space:
                out.append(" ")
            previous_space = True
        else:
            out.append(char)
            previous_space = False
    mapping.append(len(out))
    text = "".join(out)
    stripped = text.rstrip()
    lead = 0
    moved = [
        Inline(
            max(0, mapping[i.start] - lead),
            min(len(stripped), mapping[i.end] - lead),
            i.kind,
            i.href,
        )
        for i in inlines
    ]
    return stripped, [i for i in moved if i.end > i.start]


def _absolute(href: str | None, base_url: str | None) -> str | None:
    if not href:
        return None
    url = urljoin(base_url or "", href.strip())
    return url if url.startswith(("http://", "https://")) else None


def _blocks(root: lxml.html.HtmlElement, base_url: str | None) -> list[Block]:
    blocks: list[Block] = []

    def visit(node: lxml.html.HtmlElement, depth: int) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _HEADINGS:
            text, inlines = _inline_text(node, base_url)
            if text:
                blocks.append(Block(BlockKind.HEADING, text, level=_HEADINGS[tag]))
        elif tag == "p":
            text, inlines = _inline_text(node, base_url)
            if text:
                blocks.append(Block(BlockKind.PARAGRAPH, text, inlines=tuple(inlines)))
        elif tag == "li":
            text, inlines = _inline_text(node, base_url)
            parent = node.getparent()
            ordered = parent is not None and parent.tag == "ol"
            if text:
                blocks.append(
                    Block(BlockKind.LIST_ITEM, text, level=depth, ordered=ordered,
                          inlines=tuple(inlines))
                )
        elif tag == "blockquote":
            text, inlines = _inline_text(node, base_url)
            if text:
                blocks.append(Block(BlockKind.QUOTE, text, inlines=tuple(inlines)))
        elif tag == "pre":
            text = node.text_content().strip("\n")
            if text.strip():
                blocks.append(Block(BlockKind.CODE, text))
        elif tag == "img":
            src = _absolute(node.get("src"), base_url)
            if src:
                blocks.append(Block(BlockKind.IMAGE, _clean(node.get("alt") or ""), src=src))
        else:
            nested = depth + (1 if tag in ("ul", "ol") else 0)
            has_block_child = False
            for child in node:
                if isinstance(child.tag, str):
                    has_block_child = True
                    visit(child, nested)
            if not has_block_child and tag in ("div", "section", "article", "td"):
                text, inlines = _inline_text(node, base_url)
                if text:
                    blocks.append(Block(BlockKind.PARAGRAPH, text, inlines=tuple(inlines)))

    visit(root, 0)
    return blocks


def extract_html(raw: RawPage) -> Article:
    html = decode_text(raw)
    document = Document(html, url=raw.url)
    summary = document.summary(html_partial=True)
    title = document.short_title() or document.title()
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    blocks = _blocks(root, raw.url)
    return Article(title=_clean(title), blocks=tuple(blocks), url=raw.url)
