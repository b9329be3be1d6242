"""wallabag JSON export: an array of entries whose `content` is the readable HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .items import ImportedHighlight, ImportItem, clean_tags, iso_to_utc


def _tags(value: Any) -> tuple[str, ...]:
    names: list[str] = []
    for tag in value or []:
        names.append(
            str(tag.get("label") or tag.get("slug") or "") if isinstance(tag, dict) else str(tag)
        )
    return clean_tags(names)


def _byline(value: Any) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    return str(value) if value else None


def parse_entries(data: Any) -> list[ImportItem]:
    items: list[ImportItem] = []
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, dict):
            continue
        url = str(entry.get("url") or entry.get("given_url") or entry.get("origin_url") or "")
        if not url.strip():
            continue
        marks = tuple(
            ImportedHighlight(
                quote=str(note.get("quote") or "").strip(),
                note=str(note.get("text") or "").strip(),
                created_at=iso_to_utc(note.get("created_at")) or "",
            )
            for note in entry.get("annotations") or []
            if isinstance(note, dict) and str(note.get("quote") or "").strip()
        )
        items.append(
            ImportItem(
                url=url.strip(),
                title=str(entry.get("title") or "").strip(),
                added_at=iso_to_utc(entry.get("created_at")),
                tags=_tags(entry.get("tags")),
                archived=bool(int(entry.get("is_archived") or 0)),
                favorite=bool(int(entry.get("is_starred") or 0)),
                published=iso_to_utc(entry.get("published_at")),
                byline=_byline(entry.get("published_by")),
                lang=(str(entry.get("language") or "")[:2] or None),
                highlights=marks,
                content_html=str(entry.get("content") or "") or None,
            )
        )
    return items


def parse(path: Path) -> list[ImportItem]:
    return parse_entries(json.loads(path.read_bytes().decode("utf-8-sig")))
