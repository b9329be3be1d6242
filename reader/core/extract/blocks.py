"""An article element to typed blocks with inline emphasis and links.

Only text, inline ranges and absolute http(s) URLs leave this module, so nothing from the page
(scripts, styles, event handlers, forms, frames) can reach the reading view.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import lxml.html

from reader.core.models import Block, BlockKind, Inline

from .code import code_language, code_text
from .media import absolute_url, image_src

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
    "source",
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
        if end > start or inline.kind == "image":
            moved.append(Inline(start, end, inline.kind, inline.href))
    return text, moved


class BlockBuilder:
    """Walks an element tree and emits blocks; inline content between blocks becomes paragraphs."""

    def __init__(self, base_url: str | None, in_cell: bool = False) -> None:
        self.base_url = base_url
        self.in_cell = in_cell
        # Cell pictures that ended up in no block (a cell holding only an icon).
        self.orphan_images: list[Inline] = []
        self.blocks: list[Block] = []
        self.pending = _Pending()
        self.list_depth = 0
        self.ordered: list[bool] = []
        self.quote_depth = 0

    # -- emitting ---------------------------------------------------------------------------
    def flush(self, kind: BlockKind | None = None, level: int = 0) -> None:
        pending, self.pending = self.pending, _Pending()
        if not pending.pieces:
            self.orphan_images.extend(i for i in pending.inlines if i.kind == "image")
            return
        text, inlines = _collapse("".join(pending.pieces), pending.inlines)
        if not text or len(self.blocks) >= MAX_BLOCKS:
            self.orphan_images.extend(i for i in inlines if i.kind == "image")
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
        if tag == "video":
            src = image_src(node, self.base_url)  # its poster, when it has one
            if src:
                self.image(src, node)
            return
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
            text = code_text(node)
            if text.strip():
                self.emit(Block(BlockKind.CODE, text, language=code_language(node)))
        elif tag == "figure":
            self.figure(node)
        elif tag in ("img", "picture"):
            src = image_src(node, self.base_url)
            if src:
                self.image(src, node)
        elif tag == "table":
            self.table(node)
        elif tag == "br":
            self.pending.add("\n")
        elif tag == "hr":
            self.flush()
        elif tag == "a" and _is_permalink(node):
            return
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

    def image(self, src: str, node: lxml.html.HtmlElement, caption: str = "") -> None:
        alt = " ".join((node.get("alt") or "").split())[:300] or None
        if self.in_cell:
            # A picture in a table cell (a status icon, a flag) stays in its cell.
            position = self.pending.length
            self.pending.inlines.append(Inline(position, position, "image", src))
            return
        if alt and _norm_words(alt) == _norm_words(caption):
            alt = None
        self.emit(Block(BlockKind.IMAGE, caption, src=src, alt=alt))

    def figure(self, node: lxml.html.HtmlElement) -> None:
        self.flush()
        if node.find(".//table") is not None or self.in_cell:
            self.walk_children(node)
            self.flush()
            return
        image = next(
            (i for i in node.iter("img", "picture", "video") if image_src(i, self.base_url)), None
        )
        src = image_src(image, self.base_url) if image is not None else None
        if src is None or image is None:
            self.walk_children(node)
            self.flush()
            return
        caption_nodes = [
            c
            for c in node.iter()
            if c is not node
            and isinstance(c.tag, str)
            and (c.tag == "figcaption" or _CAPTION_CLASS.search(c.get("class") or ""))
            and c.find(".//img") is None
        ]
        # The outermost caption holds the inner ones (a credit inside the caption).
        outer = [c for c in caption_nodes if not any(a in caption_nodes for a in c.iterancestors())]
        caption = " ".join(" ".join(c.text_content().split()) for c in outer).strip()
        self.image(src, image, caption)
        # Text in the figure outside the caption (rare) is kept as paragraphs.
        for child in node:
            if (
                isinstance(child.tag, str)
                and child not in outer
                and not any(c in outer for c in child.iter())
                and child.find(".//img") is None
                and child.tag != "img"
                and child.text_content().strip()
            ):
                self.visit(child)
        self.flush()

    def table(self, node: lxml.html.HtmlElement) -> None:
        self.flush()
        if self.in_cell:
            self.walk_children(node)
            return
        nested = node.find(".//table") is not None
        blocky = node.find(".//p") is not None or node.find(".//div//p") is not None
        if not nested and not blocky:
            table = self.table_block(node)
            if table is not None:
                self.emit(table)
                return
        # A layout table: its cells are containers of ordinary blocks.
        for cell in node.iter("td", "th"):
            if cell.find(".//table") is None:
                self.flush()
                self.walk_children(cell)
                self.flush()

    def table_block(self, node: lxml.html.HtmlElement) -> Block | None:
        rows: list[list[tuple[str, list[Inline]]]] = []
        header_rows = 0
        in_header = True
        for row in node.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
            cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
            built = []
            for cell in cells[:MAX_TABLE_COLUMNS]:
                built.append(self.cell(cell))
                span = _int(cell.get("colspan"), 1, MAX_TABLE_COLUMNS)
                built.extend(("", []) for _ in range(span - 1))
            if not any(text or inlines for text, inlines in built):
                continue
            if in_header and _is_header_row(row, cells):
                header_rows += 1
            else:
                in_header = False
            rows.append(built)
            if len(rows) >= MAX_TABLE_ROWS:
                break
        if not rows or len(rows) * max(len(r) for r in rows) <= 1:
            return None
        width = max(len(r) for r in rows)
        texts: list[str] = []
        inlines: list[Inline] = []
        offset = 0
        for row in rows:
            row = row + [("", [])] * (width - len(row))
            for column, (text, cell_inlines) in enumerate(row):
                if column:
                    offset += 1  # the tab before the cell
                inlines.extend(
                    Inline(i.start + offset, i.end + offset, i.kind, i.href) for i in cell_inlines
                )
                offset += len(text)
            offset += 1  # the newline after the row
            texts.append("\t".join(text for text, _ in row))
        return Block(
            BlockKind.TABLE,
            "\n".join(texts),
            inlines=tuple(inlines),
            rows=tuple(tuple(text for text, _ in row) for row in rows),
            header_rows=min(header_rows, len(rows) - 1) if len(rows) > 1 else 0,
        )

    def cell(self, cell: lxml.html.HtmlElement) -> tuple[str, list[Inline]]:
        """A cell's text (one line, no tabs) with its links, emphasis and pictures."""
        builder = BlockBuilder(self.base_url, in_cell=True)
        builder.walk_children(cell)
        builder.flush()
        text = ""
        inlines: list[Inline] = []
        for block in builder.blocks:
            if text and block.text:
                text += " "
            inlines.extend(
                Inline(i.start + len(text), i.end + len(text), i.kind, i.href)
                for i in block.inlines
            )
            text += block.text
        # Pictures with no text at all around them still make the cell.
        inlines.extend(Inline(len(text), len(text), "image", i.href) for i in builder.orphan_images)
        return text, inlines


_CAPTION_CLASS = re.compile(r"caption|credit", re.IGNORECASE)
# What a heading's link to its own place on the page shows ("#", "¶", "§", a link symbol).
_PERMALINK_TEXT = frozenset({"", "#", "¶", "§", "🔗", "⚓", "link", "permalink", "anchor"})


def _is_permalink(node: lxml.html.HtmlElement) -> bool:
    """A link to a heading's own place on the page, drawn as a "#" beside it."""
    href = (node.get("href") or "").strip()
    if not href.startswith("#"):
        return False
    return " ".join(node.text_content().split()).lower() in _PERMALINK_TEXT


MAX_TABLE_ROWS = 2_000
MAX_TABLE_COLUMNS = 64


def _norm_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _int(value: str | None, default: int, highest: int) -> int:
    try:
        return max(1, min(highest, int(str(value).strip())))
    except ValueError:
        return default


def _is_header_row(row: lxml.html.HtmlElement, cells: list[lxml.html.HtmlElement]) -> bool:
    """A heading row: in `<thead>`, all `<th>`, or cells dressed as headings by their class."""
    parent = row.getparent()
    if parent is not None and parent.tag == "thead":
        return True
    filled = [c for c in cells if c.text_content().strip()]
    if not filled:
        return False
    if all(c.tag == "th" for c in filled):
        return True
    return all(
        _HEADER_CLASS.search(f"{c.get('class') or ''} {c.get('data-class') or ''}") for c in filled
    )


_HEADER_CLASS = re.compile(r"head", re.IGNORECASE)


def to_blocks(root: lxml.html.HtmlElement, base_url: str | None) -> list[Block]:
    builder = BlockBuilder(base_url)
    builder.visit(root)
    builder.flush()
    return builder.blocks
