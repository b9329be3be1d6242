"""A Markdown folder for Obsidian: one file per article, archived images in a folder alongside."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reader.core.atomic import ensure_folder, write_bytes, write_text
from reader.core.library import Library

from .markdown import article_markdown, file_name, library_item
from .safe import IMAGE_TYPES

ATTACHMENTS = "attachments"


def export_markdown_folder(
    library: Library, directory: Path, article_ids: Iterable[int]
) -> list[Path]:
    """Write `Title (id).md` per article, images into `attachments/`; returns the .md files.

    Archived images are linked by relative path, so the folder reads offline in any Markdown
    app; the others become plain links to where they were.
    """
    ensure_folder(directory)
    written: list[Path] = []
    for article_id in article_ids:
        item = library_item(library, article_id)
        images: dict[str, str] = {}
        for src in item.article.image_sources():
            if src not in images:
                local = _save_image(library, article_id, src, directory)
                if local is not None:
                    images[src] = local
        item = replace(item, images=images)
        path = directory / file_name(item)
        write_text(path, article_markdown(item))
        written.append(path)
    return written


def _save_image(library: Library, article_id: int, src: str, directory: Path) -> str | None:
    found = library.image(article_id, src)
    if found is None or found[1] not in IMAGE_TYPES:
        return None
    data, mime = found
    extension = mimetypes.guess_extension(mime) or ".img"
    name = f"{article_id}-{hashlib.sha256(data).hexdigest()[:12]}{extension}"
    folder = directory / ATTACHMENTS
    ensure_folder(folder)
    target = folder / name
    if not target.exists():
        write_bytes(target, data)
    return f"{ATTACHMENTS}/{name}"
