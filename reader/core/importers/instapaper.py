"""Instapaper CSV in each header version: `URL,Title,Selection,Folder[,Timestamp[,Tags]]`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .encoding import decode_export
from .items import ImportedHighlight, ImportItem, clean_tags, unix_to_iso

STATE_FOLDERS = {"unread", "archive", "starred"}


def parse_tags(cell: str) -> tuple[str, ...]:
    """`["coding","python"]` (how Instapaper writes the list) or a plain comma list."""
    cell = cell.strip()
    if not cell:
        return ()
    if cell.startswith("["):
        try:
            values = json.loads(cell)
        except json.JSONDecodeError:
            values = [part.strip(" \"'") for part in cell.strip("[]").split(",")]
        return clean_tags([str(v) for v in values])
    return clean_tags(cell.split(","))


def parse_text(text: str) -> list[ImportItem]:
    items: list[ImportItem] = []
    for row in csv.DictReader(io.StringIO(text)):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        url = row.get("url", "").strip()
        if not url:
            continue
        folder = row.get("folder", "").strip()
        tags = list(parse_tags(row.get("tags", "")))
        if folder and folder.lower() not in STATE_FOLDERS:
            tags.insert(0, folder)
        # Selection is the passage the reader selected when saving: kept as a highlight.
        selection = row.get("selection", "").strip()
        items.append(
            ImportItem(
                url=url,
                title=row.get("title", "").strip(),
                added_at=unix_to_iso(row.get("timestamp", "").strip()),
                tags=clean_tags(tags),
                archived=folder.lower() == "archive",
                favorite=folder.lower() == "starred",
                highlights=(ImportedHighlight(quote=selection),) if selection else (),
            )
        )
    return items


def parse(path: Path) -> list[ImportItem]:
    return parse_text(decode_export(path.read_bytes()))
