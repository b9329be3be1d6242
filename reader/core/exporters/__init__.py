"""Ways to take articles and highlights out of Readmark, and the one registry of export formats.

The CLI and the Export dialog both read `EXPORTERS`, so a new format is one module plus one entry
here. Entries are "module:function" paths imported on first use: the PDF writer needs Qt, which
the core never loads, and start-up should not pay for formats nobody asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reader.core.errors import ReadmarkError

if TYPE_CHECKING:
    from reader.core.library import Library

Exporter = Callable[["Library", Path, list[int]], int]

# Each function writes the given ids to dest and returns how many articles went out.
EXPORTERS: dict[str, str] = {
    "json": "reader.core.exporters.library_json:export_json",
    "markdown": "reader.core.exporters:export_markdown",
    "html": "reader.core.exporters.html:export_html",
    "epub": "reader.core.exporters.epub:export_epub",
    "pdf": "reader.render.pdf:export_pdf",
}

# The JSON file is a whole-library backup, so an empty selection still writes a valid file, and
# the whole library includes the trash (it comes back as trash).
ALLOWS_EMPTY = frozenset({"json"})
BACKUPS = ALLOWS_EMPTY


def export_markdown(library: Library, dest: Path, ids: list[int]) -> int:
    from reader.core.exporters.obsidian import export_markdown_folder

    return len(export_markdown_folder(library, dest, ids))


def exporter(fmt: str) -> Exporter:
    module_name, _, function = EXPORTERS[fmt].partition(":")
    return cast(Exporter, getattr(importlib.import_module(module_name), function))


def export(library: Library, fmt: str, dest: Path, ids: list[int]) -> int:
    """Write `ids` to `dest` as `fmt`; returns how many articles went out."""
    if not ids and fmt not in ALLOWS_EMPTY:
        raise ReadmarkError("No article matches; nothing was exported.")
    return exporter(fmt)(library, dest, ids)


def selected_ids(
    library: Library, query: str | None, ids: list[int] | None, fmt: str = ""
) -> list[int]:
    """The ids named, or else every live article matching `query` (all of them without one;
    for a backup format, the articles in the trash too)."""
    if ids:
        for article_id in ids:
            library.get(article_id)  # a clear error for an unknown id
        return ids
    if not query:
        if fmt in BACKUPS:
            from reader.core.exporters.library_json import whole_library_ids

            return whole_library_ids(library)
        return library.live_ids()
    found: list[int] = []
    offset = 0
    while True:
        page = library.list_articles(500, offset, filter=query, sort="oldest")
        found += [summary.id for summary in page]
        if len(page) < 500:
            return found
        offset += 500
