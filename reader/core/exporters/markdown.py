"""Articles as Markdown files (Obsidian-friendly): YAML front matter, the article, the highlights.

Each highlight is a `> quote` block followed by a `^id` block id derived from the highlight's id,
so links into the file keep working when it is exported again, then the note.

Everything from the article is escaped, so no text turns into HTML, a link or an image; links keep
only http(s) and mailto addresses, percent-encoded; an image shows only when the export holds a
copy of it (`ExportItem.images`), any other becomes a plain link to where it was.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.anchoring import in_text_order
from reader.core.atomic import ensure_folder, write_text
from reader.core.highlights import current_annotations, reanchor_stale
from reader.core.models import Annotation, Article, Block, BlockKind, Entity
from reader.core.textsafe import clean_text

from . import safe
from .tables import Cell, table_rows

if TYPE_CHECKING:
    from reader.core.library import Library

MAX_FILENAME_CHARS = 80
# Every character that can start Markdown syntax inline (HTML, links, emphasis, entities,
# Obsidian's wikilinks and strikethrough) is escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|&~])")


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One article with what the export says about it besides its text."""

    article: Article
    annotations: Sequence[Annotation] = ()
    saved: str | None = None
    tags: Sequence[str] = ()
    entities: Sequence[Entity] = ()
    article_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Images the export holds a copy of: a block's `src` -> the copy's relative path.
    images: Mapping[str, str] = field(default_factory=dict)


def block_id(annotation_id: str) -> str:
    """A stable Obsidian block id (letters, digits and dashes) for a highlight."""
    return "hl-" + (re.sub(r"[^A-Za-z0-9-]+", "-", annotation_id).strip("-") or "x")


def _yaml(value: str) -> str:
    return safe.yaml_string(value)


# Counts and amounts say nothing a note-taker files by ("2", "40%", "first").
_NOT_IN_FRONT_MATTER = frozenset({"CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY", "TIME"})
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60
_SENTENCE_MARK = re.compile(r"[.!?;:。！？；：，、“”]\s*\S")


def _name_like(name: str) -> bool:
    """A name, not a sentence the model mistook for one."""
    return (
        len(name) <= MAX_NAME_CHARS
        and len(name.split()) <= MAX_NAME_WORDS
        and not _SENTENCE_MARK.search(name)
    )


def front_matter(item: ExportItem) -> str:
    article = item.article
    lines = ["---", f"title: {_yaml(article.title)}"]
    for key, value in (
        ("url", article.canonical_url or article.url),
        ("site", article.site_name),
        ("author", article.byline),
        ("published", article.published),
        ("saved", item.saved),
    ):
        if value:
            lines.append(f"{key}: {_yaml(value)}")
    lines.append("tags: [" + ", ".join(_yaml(tag) for tag in item.tags) + "]")
    by_label: dict[str, list[str]] = {}
    for entity in item.entities:
        if entity.label in _NOT_IN_FRONT_MATTER or not _name_like(entity.name):
            continue
        names = by_label.setdefault(entity.label, [])
        if entity.name not in names:
            names.append(entity.name)
    if by_label:
        lines.append("entities:")
        for label in sorted(by_label):
            listed = ", ".join(_yaml(n) for n in by_label[label])
            key = label if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label) else _yaml(label)
            lines.append(f"  {key}: [{listed}]")
    else:
        lines.append("entities: {}")
    lines.append("---")
    return "\n".join(lines)


# At the start of a line these would make a list, a heading or a rule of a paragraph's text.
_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """`text` shown as it is by any Markdown reader (a backslash before punctuation is always
    read as that punctuation, so escaping more than needed changes nothing)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", clean_text(text))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    if marker[0].isdigit():
        return f"{indent}{marker}\\"  # `1.` becomes `1\.`: the escape goes on the dot
    return f"{indent}\\{marker}"


def code_span(text: str) -> str:
    """`text` as inline code: a fence one backtick longer than any run inside it."""
    text = " ".join(clean_text(text).split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def link(text: str, href: str | None, base: str | None = None) -> str:
    """`[text](href)` for a web or mail address; the text alone for any other."""
    uri = safe.safe_link(href, base)
    return f"[{text}](<{safe.markdown_destination(uri)}>)" if uri else text


def _inline_markdown(block: Block, base: str | None = None) -> str:
    text = block.text
    if not block.inlines or block.kind is BlockKind.CODE:
        return escape_markdown(text)
    edges = [edge for inline in block.inlines for edge in (inline.start, inline.end)]
    cuts = sorted({0, len(text), *edges})
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        piece = escape_markdown(text[left:right])
        linked = False
        for inline in block.inlines:
            if not (inline.start <= left and right <= inline.end) or not piece.strip():
                continue
            if inline.kind == "em":
                piece = f"*{piece}*"
            elif inline.kind == "strong":
                piece = f"**{piece}**"
            elif inline.kind == "code":
                piece = code_span(text[left:right])
            elif inline.kind == "link" and inline.href and not linked:
                piece = link(piece, inline.href, base)
                linked = True  # a link inside a link is no Markdown
        out.append(piece)
    return "".join(out)


def image_markdown(block: Block, images: Mapping[str, str], base: str | None = None) -> str:
    """An image the export holds as `![caption](copy)`; any other as a plain link to where it
    was (never loaded by whoever reads the file), or its caption alone."""
    caption = escape_markdown(" ".join(block.text.split()))
    local = images.get(block.src or "")
    if local is not None:
        return f"![{caption}](<{safe.markdown_destination(local)}>)"
    remote = safe.safe_link(block.src, base, safe.IMAGE_SCHEMES)
    if remote is None:
        return caption
    label = f"Remote image: {caption}" if caption else "Remote image"
    return f"[{label}](<{safe.markdown_destination(remote)}>)"


def table_markdown(block: Block, images: Mapping[str, str], base: str | None = None) -> str:
    """A pipe table: the first heading row (or an empty one) above the rule, links and
    pictures kept in their cells."""
    rows = table_rows(block)
    width = max(len(row) for row in rows)

    def cell_markdown(cell: Cell) -> str:
        pictures = [
            image_markdown(Block(BlockKind.IMAGE, "", src=src), images, base) for src in cell.images
        ]
        text = " ".join(_inline_markdown(cell.block, base).split())  # a break ends the table
        return " ".join([*pictures, text]).strip()

    lines = ["| " + " | ".join(cell_markdown(c) for c in row) + " |" for row in rows]
    if not (rows and rows[0] and rows[0][0].header):
        lines.insert(0, "|" + "  |" * width)
    lines.insert(1, "|" + " --- |" * width)
    return "\n".join(lines)


def _code_block(text: str, language: str | None = None) -> str:
    text = clean_text(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    info = re.sub(r"[^\w+#.-]", "", language or "")
    return f"{fence}{info}\n{text}\n{fence}"


def blocks_markdown(
    blocks: Iterable[Block], images: Mapping[str, str] | None = None, base: str | None = None
) -> str:
    """The blocks as Markdown; `images` maps the `src` of images the export holds to their
    copies, `base` is the article's address, against which relative links are read."""
    images = images or {}
    parts: list[str] = []
    previous: BlockKind | None = None
    list_depth = 0  # a list item nests at most one level below the one before it
    for block in blocks:
        kind = block.kind
        if kind is BlockKind.HEADING:
            heading = " ".join(_inline_markdown(block, base).split())
            chunk = "#" * min(6, max(2, block.level + 1)) + " " + heading
        elif kind is BlockKind.LIST_ITEM:
            # Four spaces before a first item would make a code block of it.
            list_depth = min(max(1, block.level), list_depth + 1)
            indent = "  " * (list_depth - 1)
            chunk = indent + ("1. " if block.ordered else "- ") + _inline_markdown(block, base)
        elif kind is BlockKind.QUOTE:
            lines = _inline_markdown(block, base).split("\n")
            chunk = "\n".join("> " + line for line in lines)
        elif kind is BlockKind.CODE:
            chunk = _code_block(block.text, block.language)
        elif kind is BlockKind.IMAGE:
            chunk = image_markdown(block, images, base)
        elif kind is BlockKind.TABLE and (block.text or block.rows):
            chunk = table_markdown(block, images, base)
        else:
            chunk = _inline_markdown(block, base)
        if kind is not BlockKind.LIST_ITEM:
            list_depth = 0
        # Consecutive list items form one list; everything else is its own paragraph.
        if parts and not (kind is BlockKind.LIST_ITEM and previous is BlockKind.LIST_ITEM):
            parts.append("")
        parts.append(chunk)
        previous = kind
    return "\n".join(parts)


def highlight_markdown(annotation: Annotation) -> str:
    quoted = escape_markdown(annotation.exact).split("\n")
    quote = "\n".join("> " + line if line.strip() else ">" for line in quoted)
    lines = [quote, "", f"^{block_id(annotation.id)}"]
    if annotation.orphaned:
        lines += ["", "*(no longer found in the article's current text)*"]
    note = safe.safe_note_markdown(annotation.note).strip()
    if note:
        lines += ["", note]
    return "\n".join(lines)


def highlights_markdown(annotations: Iterable[Annotation]) -> str:
    return "\n\n".join(highlight_markdown(a) for a in in_text_order(annotations))


def article_markdown(item: ExportItem, *, include_text: bool = True) -> str:
    """The whole Markdown file for one article."""
    article = item.article
    parts = [front_matter(item), "", f"# {escape_markdown(safe.one_line(article.title))}"]
    if include_text and article.blocks:
        base = article.url or article.canonical_url
        parts += ["", blocks_markdown(article.blocks, item.images, base)]
    if item.annotations:
        parts += ["", "## Highlights", "", highlights_markdown(item.annotations)]
    return "\n".join(parts) + "\n"


def file_name(item: ExportItem) -> str:
    """`Title (id).md`, made safe for every file system and cut to its length limit in bytes;
    the article id keeps names unique."""
    suffix = ".md" if item.article_id is None else f" ({item.article_id}).md"
    return safe.file_name(item.article.title, suffix, MAX_FILENAME_CHARS)


# -- from a library -------------------------------------------------------------------------


def library_item(library: Library, article_id: int) -> ExportItem:
    saved = library.get(article_id)
    return ExportItem(
        article=saved.article,
        annotations=current_annotations(library, article_id),
        saved=saved.added_at,
        tags=saved.tags,
        entities=library.entities(article_id),
        article_id=article_id,
    )


def library_article_ids(library: Library) -> list[int]:
    return library.live_ids()


def export_markdown(
    library: Library, directory: Path, article_ids: Iterable[int] | None = None
) -> list[Path]:
    """Write one Markdown file per article into `directory`; returns the files written."""
    ensure_folder(directory)
    reanchor_stale(library)
    written: list[Path] = []
    ids = library_article_ids(library) if article_ids is None else list(article_ids)
    for article_id in ids:
        item = library_item(library, article_id)
        path = directory / file_name(item)
        write_text(path, article_markdown(item))
        written.append(path)
    return written
