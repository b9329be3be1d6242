"""Articles as Markdown files (Obsidian-friendly): YAML front matter, the article, the highlights.

Each highlight is a `> quote` block followed by a `^id` block id derived from the highlight's id,
so links into the file keep working when it is exported again, then the note.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.annotations import current_annotations, in_text_order, reanchor_stale
from reader.core.atomic import ensure_folder, write_text
from reader.core.models import Annotation, Article, Block, BlockKind, Entity

if TYPE_CHECKING:
    from reader.core.library import Library

MAX_FILENAME_CHARS = 80
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


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


def block_id(annotation_id: str) -> str:
    """A stable Obsidian block id (letters, digits and dashes) for a highlight."""
    return "hl-" + (re.sub(r"[^A-Za-z0-9-]+", "-", annotation_id).strip("-") or "x")


def _yaml(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever characters it holds.
    return json.dumps(value, ensure_ascii=False)


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
        names = by_label.setdefault(entity.label, [])
        if entity.name not in names:
            names.append(entity.name)
    if by_label:
        lines.append("entities:")
        for label in sorted(by_label):
            lines.append(f"  {label}: [" + ", ".join(_yaml(n) for n in by_label[label]) + "]")
    else:
        lines.append("entities: {}")
    lines.append("---")
    return "\n".join(lines)


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _inline_markdown(block: Block) -> str:
    text = block.text
    if not block.inlines or block.kind is BlockKind.CODE:
        return escape_markdown(text)
    edges = [edge for inline in block.inlines for edge in (inline.start, inline.end)]
    cuts = sorted({0, len(text), *edges})
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        piece = escape_markdown(text[left:right])
        for inline in block.inlines:
            if not (inline.start <= left and right <= inline.end) or not piece.strip():
                continue
            if inline.kind == "em":
                piece = f"*{piece}*"
            elif inline.kind == "strong":
                piece = f"**{piece}**"
            elif inline.kind == "code":
                piece = f"`{text[left:right]}`"
            elif inline.kind == "link" and inline.href:
                piece = f"[{piece}](<{inline.href}>)"
        out.append(piece)
    return "".join(out)


def blocks_markdown(blocks: Iterable[Block]) -> str:
    parts: list[str] = []
    previous: BlockKind | None = None
    for block in blocks:
        kind = block.kind
        if kind is BlockKind.HEADING:
            chunk = "#" * min(6, max(2, block.level + 1)) + " " + _inline_markdown(block)
        elif kind is BlockKind.LIST_ITEM:
            indent = "  " * max(0, block.level - 1)
            chunk = indent + ("1. " if block.ordered else "- ") + _inline_markdown(block)
        elif kind is BlockKind.QUOTE:
            chunk = "\n".join("> " + line for line in _inline_markdown(block).split("\n"))
        elif kind is BlockKind.CODE:
            fence = "````" if "```" in block.text else "```"
            chunk = f"{fence}\n{block.text}\n{fence}"
        elif kind is BlockKind.IMAGE:
            caption = escape_markdown(block.text)
            chunk = f"![{caption}](<{block.src}>)" if block.src else caption
        elif kind is BlockKind.TABLE and block.rows:
            width = max(len(row) for row in block.rows)
            rows = [list(row) + [""] * (width - len(row)) for row in block.rows]
            table = ["| " + " | ".join(escape_markdown(c) for c in rows[0]) + " |"]
            table.append("|" + " --- |" * width)
            table += ["| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in rows[1:]]
            chunk = "\n".join(table)
        else:
            chunk = _inline_markdown(block)
        # Consecutive list items form one list; everything else is its own paragraph.
        if parts and not (kind is BlockKind.LIST_ITEM and previous is BlockKind.LIST_ITEM):
            parts.append("")
        parts.append(chunk)
        previous = kind
    return "\n".join(parts)


def highlight_markdown(annotation: Annotation) -> str:
    quote = "\n".join("> " + line if line else ">" for line in annotation.exact.split("\n"))
    lines = [quote, "", f"^{block_id(annotation.id)}"]
    if annotation.orphaned:
        lines += ["", "*(no longer found in the article's current text)*"]
    if annotation.note.strip():
        lines += ["", annotation.note.strip()]
    return "\n".join(lines)


def highlights_markdown(annotations: Iterable[Annotation]) -> str:
    return "\n\n".join(highlight_markdown(a) for a in in_text_order(annotations))


def article_markdown(item: ExportItem, *, include_text: bool = True) -> str:
    """The whole Markdown file for one article."""
    parts = [front_matter(item), "", f"# {escape_markdown(item.article.title)}"]
    if include_text and item.article.blocks:
        parts += ["", blocks_markdown(item.article.blocks)]
    if item.annotations:
        parts += ["", "## Highlights", "", highlights_markdown(item.annotations)]
    return "\n".join(parts) + "\n"


def file_name(item: ExportItem) -> str:
    """`Title.md`, made safe for every file system; the article id keeps names unique."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", item.article.title)
    stem = " ".join(stem.split()).strip(" .")[:MAX_FILENAME_CHARS].rstrip(" .") or "Untitled"
    if item.article_id is not None:
        stem = f"{stem} ({item.article_id})"
    return stem + ".md"


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
