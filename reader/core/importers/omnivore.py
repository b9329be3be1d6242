"""Omnivore export zip: `metadata_*_to_*.json`, `content/{slug}.html`, `highlights/{slug}.md`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .items import ImportedHighlight, ImportItem, clean_tags, iso_to_utc
from .safezip import SafeZip

_METADATA = re.compile(r"(^|/)metadata_[^/]*\.json$")


def parse_highlights(text: str) -> list[ImportedHighlight]:
    """Blocks of `> quote` lines, then an optional `#label #label` line, then the note."""
    marks: list[ImportedHighlight] = []
    quote: list[str] = []
    rest: list[str] = []

    def flush() -> None:
        if not quote:
            return
        labels: list[str] = []
        note_lines = list(rest)
        while note_lines and not note_lines[0].strip():
            note_lines.pop(0)
        if note_lines and note_lines[0].lstrip().startswith("#"):
            words = note_lines[0].split()
            if all(word.startswith("#") and len(word) > 1 for word in words):
                labels = [word[1:] for word in words]
                note_lines.pop(0)
        note = "\n".join(note_lines).strip()
        if labels:
            # Annotations carry no labels of their own; keep them where a reader will see them.
            note = (note + "\n\n" if note else "") + " ".join(f"#{label}" for label in labels)
        marks.append(ImportedHighlight(quote="\n".join(quote).strip(), note=note))

    in_quote = False
    for line in text.splitlines():
        if line.startswith(">"):
            if not in_quote:
                flush()
                quote, rest = [], []
                in_quote = True
            quote.append(line[1:].removeprefix(" "))
        else:
            in_quote = False
            if quote:
                rest.append(line)
    flush()
    return [mark for mark in marks if mark.quote]


def _progress(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(1.0, number / 100.0))


def parse(path: Path) -> list[ImportItem]:
    items: list[ImportItem] = []
    with SafeZip(path) as archive:
        names = set(archive.names())
        for name in sorted(names):
            if not _METADATA.search(name):
                continue
            entries = json.loads(archive.read_text(name))
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict) or not entry.get("url"):
                    continue
                slug = str(entry.get("slug") or entry.get("id") or "")
                content = highlights = None
                if slug and f"content/{slug}.html" in names:
                    content = archive.read_text(f"content/{slug}.html")
                if slug and f"highlights/{slug}.md" in names:
                    highlights = parse_highlights(archive.read_text(f"highlights/{slug}.md"))
                author = entry.get("author")
                items.append(
                    ImportItem(
                        url=str(entry["url"]).strip(),
                        title=str(entry.get("title") or "").strip(),
                        added_at=iso_to_utc(entry.get("savedAt")),
                        tags=clean_tags([str(x) for x in entry.get("labels") or []]),
                        archived=str(entry.get("state") or "").lower() == "archived",
                        read_progress=_progress(entry.get("readingProgress")),
                        description=str(entry.get("description") or ""),
                        published=iso_to_utc(entry.get("publishedAt")),
                        byline=str(author) if author else None,
                        highlights=tuple(highlights or ()),
                        content_html=content,
                    )
                )
    return items
