"""Pocket exports: the zip of `part_*.csv` + `annotations/*.json`, a single CSV, legacy HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from lxml import html as lxml_html

from .encoding import decode_export
from .items import ImportedHighlight, ImportItem, clean_tags, iso_to_utc, unix_to_iso
from .safezip import SafeZip

_PART_CSV = re.compile(r"(^|/)part_\d+\.csv$")
_PART_JSON = re.compile(r"(^|/)annotations/[^/]+\.json$")


def parse_csv_text(
    text: str, highlights: dict[str, list[ImportedHighlight]] | None = None
) -> list[ImportItem]:
    """Rows of `title,url,time_added,tags,status` (and maybe `cursor`), by header name."""
    highlights = highlights or {}
    items: list[ImportItem] = []
    for row in csv.DictReader(io.StringIO(text)):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        url = row.get("url", "").strip()
        if not url:
            continue
        items.append(
            ImportItem(
                url=url,
                title=row.get("title", "").strip(),
                added_at=unix_to_iso(row.get("time_added", "").strip()),
                tags=clean_tags(row.get("tags", "").split("|")),
                archived=row.get("status", "").strip().lower() == "archive",
                highlights=tuple(highlights.get(url, ())),
            )
        )
    return items


def parse_annotations(text: str) -> dict[str, list[ImportedHighlight]]:
    """`[{"url", "title", "highlights": [{"quote", "created_at"}]}]` keyed by URL."""
    found: dict[str, list[ImportedHighlight]] = {}
    data = json.loads(text)
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, dict) or not entry.get("url"):
            continue
        for mark in entry.get("highlights") or []:
            quote = str(mark.get("quote") or "").strip() if isinstance(mark, dict) else ""
            if quote:
                found.setdefault(str(entry["url"]), []).append(
                    ImportedHighlight(quote=quote, created_at=_created(mark.get("created_at")))
                )
    return found


def _created(value: Any) -> str:
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return unix_to_iso(value) or ""
    return iso_to_utc(value) or ""


def parse_zip(path: Path) -> list[ImportItem]:
    with SafeZip(path) as archive:
        highlights: dict[str, list[ImportedHighlight]] = {}
        for name in archive.names():
            if _PART_JSON.search(name):
                for url, marks in parse_annotations(archive.read_text(name)).items():
                    highlights.setdefault(url, []).extend(marks)
        items: list[ImportItem] = []
        for name in archive.names():
            if _PART_CSV.search(name):
                items.extend(parse_csv_text(archive.read_text(name), highlights))
        return items


def parse_legacy_html(text: str) -> list[ImportItem]:
    """`ril_export.html`: `<h1>Unread</h1><ul><li><a href time_added tags>` then Read Archive."""
    root = lxml_html.fromstring(text or "<html></html>")
    items: list[ImportItem] = []
    archived = False
    # lxml's stubs type iter() as plain elements; these come from an HTML tree.
    for element in cast("Iterator[lxml_html.HtmlElement]", root.iter("h1", "a")):
        if element.tag == "h1":
            archived = "archive" in element.text_content().lower()
            continue
        url = (element.get("href") or "").strip()
        if not url:
            continue
        items.append(
            ImportItem(
                url=url,
                title=element.text_content().strip(),
                added_at=unix_to_iso(element.get("time_added")),
                tags=clean_tags((element.get("tags") or "").split(",")),
                archived=archived,
            )
        )
    return items


def parse(path: Path) -> list[ImportItem]:
    head = path.read_bytes()[:4]
    if head.startswith(b"PK"):
        return parse_zip(path)
    text = decode_export(path.read_bytes())
    if text.lstrip().startswith("<"):
        return parse_legacy_html(text)
    return parse_csv_text(text)
