"""Repairing an article that came out wrong, from the page it was saved from.

The stored source is never changed: extracting again (with a reading one asks for) replaces the
article's text, moves its highlights and finds its entities again; the extraction log and the
original page are read from the same source and write nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import lxml.etree
import lxml.html

from reader.core import adding
from reader.core.adding import EntityResult, Reanchor, Recognise
from reader.core.errors import ExtractionError, LibraryError
from reader.core.extract import extract_logged
from reader.core.extract.decode import decode_text
from reader.core.extract.log import READMARK, ExtractionLog
from reader.core.models import Block, BlockKind, RawPage, SavedArticle
from reader.core.store import articles
from reader.core.store.db import Connection

R = TypeVar("R")


class Library(Protocol):
    """What repairing needs of `reader.core.library.Library` (which calls it)."""

    @property
    def recognise(self) -> Recognise | None: ...

    @property
    def reanchor(self) -> Reanchor | None: ...

    def read(self, fn: Callable[..., R], *args: Any) -> R: ...

    def get(self, article_id: int) -> SavedArticle: ...

    def write(self, fn: Callable[..., R], *args: Any) -> R: ...


@dataclass(frozen=True, slots=True)
class Reextracted:
    changed: bool  # whether the article's text changed
    log: ExtractionLog


def reextract(
    library: Library,
    article_id: int,
    reading: str = READMARK,
    reanchor: Reanchor | None = None,
    recognise: Recognise | None = None,
) -> Reextracted:
    """Extract the article again from its stored source with `reading`; highlights are moved
    by `reanchor` (or the library's) in the same transaction, entities are found again (by
    `recognise`, else the library's; without either, idle recognition finds them later)."""
    page, old_hash = adding.stored_page(article_id, library.read(articles.source_row, article_id))
    article, log = extract_logged(page, reading=reading)
    row = adding.reextracted_row(article)
    recognise = recognise or library.recognise
    recognised = recognise(article) if recognise else None
    library.write(_replace, article_id, row, reanchor or library.reanchor, recognised)
    return Reextracted(changed=bool(row["text_hash"] != old_hash), log=log)


def _replace(
    conn: Connection,
    article_id: int,
    row: Mapping[str, object],
    reanchor: Reanchor | None,
    recognised: EntityResult | None,
) -> None:
    adding.replace_text(conn, article_id, row, reanchor)
    articles.update(conn, article_id, dict(row))
    if recognised is not None:
        adding.store_entities(conn, article_id, recognised)


def extraction_log(library: Library, article_id: int, reading: str = READMARK) -> ExtractionLog:
    """What extracting the article again with `reading` keeps and why, with every reading's
    length; nothing is written."""
    return extract_logged(original(library, article_id), reading=reading, compare=True)[1]


def original(library: Library, article_id: int) -> RawPage:
    """The page the article was saved from, as it was stored."""
    page, _hash = adding.stored_page(article_id, library.read(articles.source_row, article_id))
    return page


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Shown with their text; every other element is unwrapped (its text kept) or, below, dropped.
_KEPT = _names(
    "html body p div span h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th "
    "caption blockquote pre code em strong b i u s small sub sup br hr section article main "
    "header footer nav aside figure figcaption abbr cite q time mark del ins kbd samp var "
    "address details summary"
)
# Dropped with everything inside: what runs, loads, or is not text.
_DROPPED = _names(
    "head script style template iframe frame frameset object embed applet svg math canvas "
    "video audio img picture source track map area input select textarea option link meta "
    "base param portal"
)
_CELL_SPANS = ("colspan", "rowspan")


def original_html(page: RawPage) -> str:
    """The saved page as inert HTML to show read-only: its text and structure with no script,
    style, image, frame, form field, link target or attribute that could load anything."""
    from reader.core.extract.html import parse_html  # the HTML reader, loaded when needed

    text = decode_text(page)
    if page.content_type == "text/plain":
        return f"<pre>{html.escape(text)}</pre>"
    try:
        root = parse_html(text)
    except ExtractionError:
        return "<p></p>"
    doomed: list[Any] = []
    unwrapped: list[Any] = []
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in _DROPPED or _hidden(node):
            doomed.append(node)
        elif tag not in _KEPT:
            unwrapped.append(node)
    for node in doomed:
        if node.getparent() is None:
            continue
        alt = " ".join((node.get("alt") or "").split()) if node.tag == "img" else ""
        if alt and not _hidden(node):  # a picture is named where it stood
            stand_in = lxml.html.Element("i")
            stand_in.text, stand_in.tail = f"[Picture: {alt}]", node.tail
            node.addprevious(stand_in)
            node.tail = None
        node.drop_tree()  # keeps the text that follows it
    for node in unwrapped:
        if node.getparent() is not None:
            node.drop_tag()
    for node in root.iter():
        spans = {k: v for k, v in node.attrib.items() if k in _CELL_SPANS and v.isdigit()}
        node.attrib.clear()
        node.attrib.update(spans)
    body = root.find("body")
    return lxml.etree.tostring(
        body if body is not None else root, encoding="unicode", method="html"
    )


def _hidden(node: Any) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return node.get("hidden") is not None or "display:none" in style


# -- edit text -------------------------------------------------------------------------------


def editable_text(blocks: Sequence[Block]) -> str:
    """The article's text as one edits it: each block with text a paragraph of its own."""
    return "\n\n".join(block.text for block in blocks if block.text)


def edited_blocks(blocks: Sequence[Block], text: str) -> tuple[Block, ...]:
    """The blocks after the person's `text` (paragraphs parted by blank lines) replaced
    `editable_text(blocks)`: a paragraph left as it was keeps its block (links, kind, level),
    one changed in place keeps its kind, a new one is a paragraph; blocks without text
    (pictures without a caption) stay where they were."""
    old = [i for i, block in enumerate(blocks) if block.text]
    new = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    new = [p for p in new if p.strip()]
    placed: dict[int, list[Block]] = {i: [] for i in old}
    before: list[Block] = []  # paragraphs added before the first block with text
    matcher = difflib.SequenceMatcher(None, [blocks[i].text for i in old], new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(a2 - a1):
                placed[old[a1 + k]].append(blocks[old[a1 + k]])
            continue
        made = [
            _changed(blocks[old[a1 + k]], new[b1 + k]) if a1 + k < a2 else _paragraph(new[b1 + k])
            for k in range(b2 - b1)
        ]
        if a1 < a2:
            placed[old[a1]].extend(made)
        elif a1 > 0:
            placed[old[a1 - 1]].extend(made)
        else:
            before.extend(made)
    out = list(before)
    for i, block in enumerate(blocks):
        out.extend(placed[i] if block.text else [block])
    return tuple(out)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _changed(block: Block, text: str) -> Block:
    if block.kind is BlockKind.TABLE:  # a table whose text was edited is no longer its rows
        return _paragraph(text)
    # A code block keeps its lines; a picture's edited text is its caption.
    kept = text if block.kind in (BlockKind.CODE, BlockKind.IMAGE) else " ".join(text.split())
    return dataclasses.replace(block, text=kept, inlines=())


def _paragraph(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, " ".join(text.split()))


def edit_text(
    library: Library,
    article_id: int,
    text: str,
    recognise: Recognise | None = None,
) -> bool:
    """Replace the article's text with the person's `text` (an edit of its `editable_text`);
    True if it changed. The stored source stays; highlights move to the new text and entities
    are found again, as on extracting again. An empty text is refused: the article would have
    nothing to read."""
    if not text.strip():
        raise LibraryError("An article cannot be left without text; nothing was changed.")
    saved = library.get(article_id)
    article = dataclasses.replace(saved.article, blocks=edited_blocks(saved.article.blocks, text))
    row = adding.reextracted_row(article)
    row.pop("extractor_version", None)  # written by a person, not by the extractor
    if row["text_hash"] == saved.text_hash:
        return False
    recognise = recognise or library.recognise
    recognised = recognise(article) if recognise else None
    library.write(_replace, article_id, row, library.reanchor, recognised)
    return True
