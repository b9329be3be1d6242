"""An article element to typed blocks with inline emphasis and links.

Only text, inline ranges and absolute http(s) URLs leave this module, so nothing from the page
(scripts, styles, event handlers, forms, frames) can reach the reading view.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html

from reader.core.models import Block, BlockKind, Inline

MAX_BLOCKS = 20_000

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
INLINE_KINDS = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "strong": "strong",
    "b": "strong",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
}
SKIP = {
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "form",
    "button",
    "input",
    "select",
    "option",
    "textarea",
    "svg",
    "template",
    "object",
    "embed",
    "canvas",
    "audio",
    "video",
    "map",
    "head",
    "title",
    "meta",
    "link",
    "nav",
    "dialog",
}
CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "body",
    "html",
    "center",
    "details",
    "summary",
    "address",
    "fieldset",
    "hgroup",
    "dl",
    "span-block",
}
PARAGRAPHS = {"p", "dd", "dt", "caption", "legend"}


def absolute_url(href: str | None, base_url: str | None) -> str | None:
    """An absolute http(s) URL, or None for anything else (javascript:, data:, mailto:...)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base_url or "", href)
    except ValueError:
        return None
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in ' \n\t<>"'):
        return None
    return url


def image_src(node: lxml.html.HtmlElement, base_url: str | None) -> str | None:
    for name in ("src", "data-src", "data-original", "data-lazy-src"):
        url = absolute_url(node.get(name), base_url)
        if url and not url.lower().startswith("data:"):
            return url
    srcset = node.get("srcset") or node.get("data-srcset")
    if srcset:
        return absolute_url(srcset.split(",")[0].strip().split(" ")[0], base_url)
    return None


@dataclass
class _Pending:
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    inlines: list[Inline] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text:
            self.pieces.append(text)
            self.length += len(text)


_SPACE_RUN = re.compile(r"[\s\u200b\ufeff]+")


def _collapse(raw: str, inlines: list[Inline]) -> tuple[str, list[Inline]]:
    """Collapse whitespace runs to one space and trim, keeping inline ranges on the same text."""
    runs = [(m.start(), m.end()) for m in _SPACE_RUN.finditer(raw)]
    collapsed = _SPACE_RUN.sub(" ", raw)
    lead = 1 if runs and runs[0][0] == 0 else 0
    text = collapsed[lead:].rstrip(" ")
    if not inlines:
        return text, []
    starts = [start for start, _ in runs]
    removed_before = [0]
    for start, end in runs:
        removed_before.append(removed_before[-1] + end - start - 1)

    def new_position(position: int) -> int:
        k = bisect.bisect_right(starts, position) - 1
        if k < 0:
            mapped = position
        else:
            start, end = runs[k]
            if position < end:
                mapped = start - removed_before[k] + (0 if position == start else 1)
            else:
                mapped = position - removed_before[k + 1]
        return max(0, min(len(text), mapped - lead))

    moved = []
    for inline in inlines:
        start, end = new_position(inline.start), new_position(inline.end)
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        if end > start:
            moved.append(Inline(start, end, inline.kind, inline.href))
    return text, moved


class BlockBuilder:
    """Walks an element tree and emits blocks; inline content between blocks becomes paragraphs."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.pending = _Pending()
        self.list_depth = 0
        self.ordered: list[bool] = []
        self.quote_depth = 0

    # -- emitting ---------------------------------------------------------------------------
    def flush(self, kind: BlockKind | None = None, level: int = 0) -> None:
        pending, self.pending = self.pending, _Pending()
        if not pending.pieces:
            return
        text, inlines = _collapse("".join(pending.pieces), pending.inlines)
        if not text or len(self.blocks) >= MAX_BLOCKS:
            return
        if kind is None:
            if self.quote_depth:
                kind = BlockKind.QUOTE
            elif self.list_depth:
                kind = BlockKind.LIST_ITEM
            else:
                kind = BlockKind.PARAGRAPH
        ordered = False
        if kind is BlockKind.LIST_ITEM:
            level = level or max(1, self.list_depth)
            ordered = bool(self.ordered and self.ordered[-1])
        self.blocks.append(Block(kind, text, level=level, ordered=ordered, inlines=tuple(inlines)))

    def emit(self, block: Block) -> None:
        self.flush()
        if len(self.blocks) < MAX_BLOCKS:
            self.blocks.append(block)

    # -- walking ----------------------------------------------------------------------------
    def walk_children(self, node: lxml.html.HtmlElement) -> None:
        if node.text:
            self.pending.add(node.text)
        for child in node:
            if isinstance(child.tag, str):
                self.visit(child)
            if child.tail:
                self.pending.add(child.tail)

    def visit(self, node: lxml.html.HtmlElement) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in SKIP:
            return
        if tag in HEADINGS:
            self.flush()
            self.walk_children(node)
            self.flush(BlockKind.HEADING, HEADINGS[tag])
        elif tag in PARAGRAPHS:
            self.flush()
            self.walk_children(node)
            self.flush()
        elif tag in ("ul", "ol", "menu"):
            self.flush()
            self.list_depth += 1
            self.ordered.append(tag == "ol")
            self.walk_children(node)
            self.flush()
            self.ordered.pop()
            self.list_depth -= 1
        elif tag == "li":
            self.flush()
            depth = self.list_depth
            if not depth:
                self.list_depth = 1
            self.walk_children(node)
            self.flush(BlockKind.LIST_ITEM)
            self.list_depth = depth
        elif tag in ("blockquote", "q") and tag == "blockquote":
            self.flush()
            self.quote_depth += 1
            self.walk_children(node)
            self.flush()
            self.quote_depth -= 1
        elif tag in ("pre", "listing", "xmp", "plaintext"):
            self.flush()
            text = node.text_content().strip("\n")
            if text.strip():
                self.emit(Block(BlockKind.CODE, text.rstrip()))
        elif tag == "figure":
            self.figure(node)
        elif tag == "img":
            src = image_src(node, self.base_url)
            if src:
                self.emit(Block(BlockKind.IMAGE, "", src=src))
        elif tag == "picture":
            image = node.find(".//img")
            if image is not None:
                self.visit(image)
        elif tag == "table":
            self.table(node)
        elif tag == "br":
            self.pending.add("\n")
        elif tag == "hr":
            self.flush()
        elif tag in INLINE_KINDS or tag == "a":
            start = self.pending.length
            blocks_before = len(self.blocks)
            self.walk_children(node)
            end = self.pending.length
            if len(self.blocks) == blocks_before and end > start:
                if tag == "a":
                    href = absolute_url(node.get("href"), self.base_url)
                    if href:
                        self.pending.inlines.append(Inline(start, end, "link", href))
                else:
                    self.pending.inlines.append(Inline(start, end, INLINE_KINDS[tag]))
        elif tag in CONTAINERS or tag in ("figcaption", "li"):
            self.flush()
            self.walk_children(node)
            self.flush()
        else:
            self.walk_children(node)

    def figure(self, node: lxml.html.HtmlElement) -> None:
        self.flush()
        image = node.find(".//img")
        caption_node = node.find(".//figcaption")
        src = image_src(image, self.base_url) if image is not None else None
        if src is None:
            self.walk_children(node)
            self.flush()
            return
        caption = ""
        if caption_node is not None:
            caption = " ".join(caption_node.text_content().split())
        self.emit(Block(BlockKind.IMAGE, caption, src=src))
        # Text in the figure outside the caption (rare) is kept as paragraphs.
        for child in node:
            if (
                isinstance(child.tag, str)
                and child is not caption_node
                and child.find(".//img") is None
                and child.tag != "img"
                and child.text_content().strip()
            ):
                self.visit(child)
        self.flush()

    def table(self, node: lxml.html.HtmlElement) -> None:
        self.flush()
        nested = node.find(".//table") is not None
        blocky = node.find(".//p") is not None or node.find(".//div//p") is not None
        rows = []
        if not nested and not blocky:
            for row in node.iter("tr"):
                cells = tuple(
                    " ".join(cell.text_content().split())
                    for cell in row
                    if isinstance(cell.tag, str) and cell.tag in ("td", "th")
                )
                if any(cells):
                    rows.append(cells)
        if rows and len(rows) * max(len(r) for r in rows) > 1:
            text = " ".join("\t".join(row) for row in rows)
            self.emit(Block(BlockKind.TABLE, text, rows=tuple(rows)))
            return
        # A layout table: its cells are containers of ordinary blocks.
        for cell in node.iter("td", "th"):
            if cell.find(".//table") is None:
                self.flush()
                self.walk_children(cell)
                self.flush()


def to_blocks(root: lxml.html.HtmlElement, base_url: str | None) -> list[Block]:
    builder = BlockBuilder(base_url)
    builder.visit(root)
    builder.flush()
    return builder.blocks
