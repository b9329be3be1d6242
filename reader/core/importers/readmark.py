"""Readmark's own library JSON: articles come back exactly as exported, highlights in place.

Each entry is checked on its own before anything is written: one malformed entry becomes an
item that fails with its reason, and the entries around it import as usual.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

from reader.core.fetch import MAX_DECOMPRESSED_BYTES
from reader.core.models import BlockKind

from .items import ImportedHighlight, ImportItem, clean_tags

FORMAT_KEY = "readmark_library"
MAX_UID_CHARS = 200

TEXT_FIELDS = (
    "url",
    "canonical_url",
    "byline",
    "site_name",
    "section",
    "published",
    "lang",
    "lead_image",
    "excerpt",
    "domain",
    "extractor_version",
    "text_hash",
    "content_hash",
)
DATE_FIELDS = ("added_at", "opened_at", "updated_at", "deleted_at")
FLAG_FIELDS = ("unread", "archived", "favorite")
BLOCK_KINDS = frozenset(kind.value for kind in BlockKind)


class EntryError(ValueError):
    """Why one entry of the file cannot be imported, in words a person can act on."""


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_text(data: dict[str, Any], name: str, where: str = "") -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise EntryError(f"{where}{name} is {_shown(value)}, not text")
    return value


def _date(data: dict[str, Any], name: str, where: str = "") -> str | None:
    value = _optional_text(data, name, where)
    if not value:
        return None
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EntryError(f"{where}{name} {_shown(value)} is not a date") from None
    return value


def _flag(data: dict[str, Any], name: str) -> bool | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or (_is_int(value) and value in (0, 1)):
        return bool(value)
    raise EntryError(f"{name} is {_shown(value)}, not true or false")


def _progress(value: Any) -> float:
    if value is None:
        return 0.0
    if not (isinstance(value, int | float) and not isinstance(value, bool)):
        raise EntryError(f"read_progress is {_shown(value)}, not a number from 0 to 1")
    progress = float(value)
    if not math.isfinite(progress):
        raise EntryError(f"read_progress is {_shown(value)}, not a number from 0 to 1")
    return min(1.0, max(0.0, progress))


def _base64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise EntryError(f"{what} is {_shown(value)}, not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise EntryError(f"{what} is not valid base64") from None


def _check_block(block: Any, number: int) -> None:
    where = f"block {number}: "
    if not isinstance(block, dict):
        raise EntryError(f"{where}{_shown(block)} is not an object")
    if block.get("kind") not in BLOCK_KINDS:
        raise EntryError(f"{where}kind {_shown(block.get('kind'))} is not a kind of block")
    if not isinstance(block.get("text", ""), str):
        raise EntryError(f"{where}text is {_shown(block.get('text'))}, not text")
    if not _is_int(block.get("level", 0)) or block.get("level", 0) < 0:
        raise EntryError(f"{where}level is {_shown(block.get('level'))}, not a whole number")
    if not isinstance(block.get("ordered", False), bool):
        raise EntryError(f"{where}ordered is {_shown(block.get('ordered'))}, not true or false")
    _optional_text(block, "src", where)
    inlines = block.get("inlines", [])
    if not isinstance(inlines, list):
        raise EntryError(f"{where}inlines is {_shown(inlines)}, not a list")
    for inline in inlines:
        if not (
            isinstance(inline, dict)
            and _is_int(inline.get("start"))
            and _is_int(inline.get("end"))
            and isinstance(inline.get("kind"), str)
            and isinstance(inline.get("href", ""), str | None)
        ):
            raise EntryError(f"{where}inline {_shown(inline)} is not a start, end and kind")
    rows = block.get("rows", [])
    if not isinstance(rows, list) or not all(
        isinstance(row, list) and all(isinstance(cell, str) for cell in row) for row in rows
    ):
        raise EntryError(f"{where}rows is not a list of rows of text")


def _highlight(note: Any, number: int) -> ImportedHighlight:
    where = f"highlight {number}: "
    if not isinstance(note, dict):
        raise EntryError(f"{where}{_shown(note)} is not an object")
    exact = note.get("exact")
    if not isinstance(exact, str):
        raise EntryError(f"{where}the quoted text is {_shown(exact)}, not text")
    start, end = note.get("start"), note.get("end")
    if start is not None or end is not None:
        if not (_is_int(start) and _is_int(end)):
            raise EntryError(
                f"{where}position {_shown(start)}-{_shown(end)} is not two whole numbers"
            )
        if not 0 <= start <= end:
            raise EntryError(f"{where}position {start}-{end} is not a range of the text")
    orphaned = note.get("orphaned", False)
    if not isinstance(orphaned, bool) and not (_is_int(orphaned) and orphaned in (0, 1)):
        raise EntryError(f"{where}orphaned is {_shown(orphaned)}, not true or false")
    texts = {
        name: _optional_text(note, name, where) or ""
        for name in ("id", "prefix", "suffix", "color", "note", "text_hash")
    }
    return ImportedHighlight(
        quote=exact,
        note=texts["note"],
        created_at=_date(note, "created_at", where) or "",
        color=texts["color"] or "yellow",
        start=start,
        end=end,
        prefix=texts["prefix"],
        suffix=texts["suffix"],
        orphaned=bool(orphaned),
        id=texts["id"],
        updated_at=_date(note, "updated_at", where) or "",
        text_hash=texts["text_hash"],
    )


def _check_images(images: Any) -> None:
    if not isinstance(images, list):
        raise EntryError(f"images is {_shown(images)}, not a list")
    for number, image in enumerate(images, 1):
        where = f"image {number}: "
        if not isinstance(image, dict):
            raise EntryError(f"{where}{_shown(image)} is not an object")
        if not isinstance(image.get("url"), str) or not image["url"]:
            raise EntryError(f"{where}URL {_shown(image.get('url'))} is not an address")
        if not isinstance(image.get("content_type"), str):
            raise EntryError(f"{where}content type {_shown(image.get('content_type'))} is not text")
        _base64(image.get("data"), f"{where}data")


def _check_source(source: Any) -> None:
    if source is None:
        return
    if not isinstance(source, dict):
        raise EntryError(f"source is {_shown(source)}, not an object")
    _optional_text(source, "content_type", "source: ")
    _optional_text(source, "path", "source: ")
    packed = _base64(source.get("zlib"), "source data")
    # Unpacked with a limit, so a file cannot plant a decompression bomb in the library.
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(packed, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error:
        raise EntryError("source data is not zlib-compressed") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise EntryError("source data is damaged or larger than Readmark keeps")


def _check_versions(versions: Any) -> None:
    if not isinstance(versions, list):
        raise EntryError(f"text_versions is {_shown(versions)}, not a list")
    for number, version in enumerate(versions, 1):
        if not (
            isinstance(version, dict)
            and all(
                isinstance(version.get(name), str)
                for name in ("text_hash", "text", "content", "saved_at")
            )
        ):
            raise EntryError(f"text version {number} is not a hash, text, content and date")
        try:
            blocks = json.loads(version["content"])
        except ValueError:
            raise EntryError(f"text version {number}: its blocks are not JSON") from None
        if not isinstance(blocks, list):
            raise EntryError(f"text version {number}: its blocks are not a list")


def parse_entry(entry: Any) -> ImportItem:
    """One exported article as an item to import; EntryError says what is wrong with it."""
    if not isinstance(entry, dict):
        raise EntryError(f"{_shown(entry)} is not an article")
    title = entry.get("title")
    if not isinstance(title, str):
        raise EntryError(
            "it has no title" if title is None else f"title is {_shown(title)}, not text"
        )
    uid = entry.get("uid")
    if uid is not None and not (isinstance(uid, str) and 0 < len(uid) <= MAX_UID_CHARS):
        raise EntryError(f"uid is {_shown(uid)}, not an identifier")
    for name in TEXT_FIELDS:
        _optional_text(entry, name)
    dates = {name: _date(entry, name) for name in DATE_FIELDS}
    flags = {name: _flag(entry, name) for name in FLAG_FIELDS}
    if entry.get("word_count") is not None and not (
        _is_int(entry["word_count"]) and entry["word_count"] >= 0
    ):
        raise EntryError(f"word_count is {_shown(entry['word_count'])}, not a whole number")
    blocks = entry.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        raise EntryError("it has no blocks of text" if not blocks else "blocks is not a list")
    for number, block in enumerate(blocks, 1):
        _check_block(block, number)
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise EntryError(f"tags is {_shown(tags)}, not a list of names")
    notes = entry.get("annotations") or []
    if not isinstance(notes, list):
        raise EntryError(f"annotations is {_shown(notes)}, not a list")
    marks = tuple(_highlight(note, number) for number, note in enumerate(notes, 1))
    _check_images(entry.get("images") or [])
    _check_source(entry.get("source"))
    _check_versions(entry.get("text_versions") or [])
    return ImportItem(
        url=str(entry.get("canonical_url") or entry.get("url") or ""),
        title=title,
        added_at=dates["added_at"],
        opened_at=dates["opened_at"],
        tags=clean_tags(tags),
        archived=bool(flags["archived"]),
        favorite=bool(flags["favorite"]),
        read_progress=_progress(entry.get("read_progress")),
        unread=flags["unread"],
        highlights=marks,
        article=entry,
        uid=uid or "",
    )


def _label(entry: Any) -> tuple[str, str]:
    """The URL and title a report shows for an entry, as far as they can be read."""
    if not isinstance(entry, dict):
        return "", ""
    url = entry.get("canonical_url") or entry.get("url")
    title = entry.get("title")
    return (url if isinstance(url, str) else ""), (title if isinstance(title, str) else "")


def _entity_rules(rules: Any) -> list[dict[str, str]]:
    """The export's entity decisions; anything that is not one is left out."""
    if not isinstance(rules, list):
        return []
    fields = ("action", "name", "label", "value", "article_uid", "created_at")
    return [
        {name: str(rule.get(name) or "") for name in fields}
        for rule in rules
        if isinstance(rule, dict) and all(isinstance(rule.get(n, ""), str) for n in fields)
    ]


def parse_data(data: dict[str, Any]) -> list[ImportItem]:
    articles = data.get("articles")
    if articles is None:
        articles = []
    if not isinstance(articles, list):
        raise ValueError("its 'articles' is not a list")
    rules = _entity_rules(data.get("entity_rules"))
    items: list[ImportItem] = []
    for number, entry in enumerate(articles, 1):
        if rules and isinstance(entry, dict):
            entry["entity_rules"] = rules  # stored before the entry's entities are
        try:
            items.append(parse_entry(entry))
        except EntryError as exc:
            url, title = _label(entry)
            items.append(
                ImportItem(
                    url=url, title=title or f"entry {number}", invalid=f"entry {number}: {exc}"
                )
            )
    return items


def parse(path: Path) -> list[ImportItem]:
    data = json.loads(path.read_bytes().decode("utf-8-sig"))
    if not isinstance(data, dict):
        raise ValueError("it is not a Readmark library export")
    return parse_data(data)
