"""A plain list of URLs, one a line; blank lines and `#` comments are skipped."""

from __future__ import annotations

from pathlib import Path

from .encoding import decode_export
from .items import ImportItem


def parse_text(text: str) -> list[ImportItem]:
    items: list[ImportItem] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            items.append(ImportItem(url=line))
    return items


def parse(path: Path) -> list[ImportItem]:
    return parse_text(decode_export(path.read_bytes()))
