"""Readmark's own library JSON: articles come back exactly as exported, highlights in place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .items import ImportedHighlight, ImportItem, clean_tags

FORMAT_KEY = "readmark_library"


def parse_data(data: dict[str, Any]) -> list[ImportItem]:
    items: list[ImportItem] = []
    for entry in data.get("articles") or []:
        if not isinstance(entry, dict) or not entry.get("blocks"):
            continue
        marks = tuple(
            ImportedHighlight(
                quote=str(note.get("exact") or ""),
                note=str(note.get("note") or ""),
                created_at=str(note.get("created_at") or ""),
                color=str(note.get("color") or "yellow"),
                start=note.get("start"),
                end=note.get("end"),
                prefix=str(note.get("prefix") or ""),
                suffix=str(note.get("suffix") or ""),
                orphaned=bool(note.get("orphaned")),
                id=str(note.get("id") or ""),
                updated_at=str(note.get("updated_at") or ""),
            )
            for note in entry.get("annotations") or []
            if isinstance(note, dict)
        )
        items.append(
            ImportItem(
                url=str(entry.get("canonical_url") or entry.get("url") or ""),
                title=str(entry.get("title") or ""),
                added_at=entry.get("added_at"),
                opened_at=entry.get("opened_at"),
                tags=clean_tags(entry.get("tags") or []),
                archived=bool(entry.get("archived")),
                favorite=bool(entry.get("favorite")),
                read_progress=float(entry.get("read_progress") or 0.0),
                unread=bool(entry["unread"]) if "unread" in entry else None,
                highlights=marks,
                article=entry,
            )
        )
    return items


def parse(path: Path) -> list[ImportItem]:
    return parse_data(json.loads(path.read_bytes().decode("utf-8-sig")))
