"""Write an imported item into the library: the article, its state, dates, tags and highlights.

Runs on the one thread that writes; every call happens inside the caller's transaction, so an
article and the job row that says it was added commit together.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from reader.core import anchoring
from reader.core.adding import Prepared, States
from reader.core.library import Library
from reader.core.models import Annotation, Article, Block
from reader.core.store import annotations as annotation_rows
from reader.core.store import articles, entity_rules, images
from reader.core.store.db import Connection
from reader.core.store.migrations import domain_key
from reader.core.textsafe import clean_article

from .items import ImportedHighlight, ImportItem


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def find_existing(library: Library, *urls: str | None, content_hash: str = "") -> int | None:
    """The id of a live article saved under any of `urls` (as URL or canonical URL), else,
    when none of them is known, one without an address saved from the same bytes."""
    found = library.find_live(*urls)
    if found is None and content_hash and not any(urls):
        found = library.find_live_by_content(content_hash)
    return found


def article_from_export(entry: dict[str, Any]) -> Article:
    """The saved article a Readmark export carries, cleaned like any text coming in."""
    return clean_article(
        Article(
            title=str(entry.get("title") or ""),
            blocks=tuple(Block.from_dict(block) for block in entry.get("blocks") or ()),
            byline=entry.get("byline"),
            site_name=entry.get("site_name"),
            section=entry.get("section"),
            published=entry.get("published"),
            lang=entry.get("lang"),
            url=entry.get("url"),
            canonical_url=entry.get("canonical_url"),
            lead_image=entry.get("lead_image"),
            excerpt=entry.get("excerpt"),
        )
    )


def exported_images(entry: dict[str, Any]) -> dict[str, tuple[bytes, str]]:
    """The archived images a Readmark export carries, by URL; damaged ones are left out."""
    found: dict[str, tuple[bytes, str]] = {}
    for image in entry.get("images") or []:
        try:
            data = base64.b64decode(str(image["data"]), validate=True)
        except (KeyError, ValueError, TypeError):
            continue
        found[str(image.get("url") or "")] = (data, str(image.get("content_type") or ""))
    return found


def with_item_metadata(article: Article, item: ImportItem) -> Article:
    """Fill what extraction missed from what the source tool knew; keep the article's URL."""
    changes: dict[str, Any] = {}
    # A tool that kept readable HTML also kept the title the reader saw.
    if item.title and (item.content_html is not None or not article.title.strip()):
        changes["title"] = item.title
    for name in ("published", "byline", "lang"):
        if not getattr(article, name) and getattr(item, name):
            changes[name] = getattr(item, name)
    if not article.url:
        changes["url"] = item.url
    if not article.excerpt and item.description:
        changes["excerpt"] = item.description
    return replace(article, **changes) if changes else article


def save_item(library: Library, item: ImportItem, prepared: Prepared) -> int:
    """Write the article `prepared` holds with the state, dates, tags and highlights `item`
    carries; returns its id.

    An entry of Readmark's own export also brings back its identity, stored source, archived
    images, earlier texts and every stored field as it was. Call inside a write transaction:
    everything lands together or not at all.
    """
    entry = item.article
    if entry is not None and entry.get("entity_rules"):
        # Before the article's entities are written, so they already follow the decisions.
        library.write(entity_rules.add_all, entry["entity_rules"])
    unread = item.unread if item.unread is not None else not (item.opened_at or item.archived)
    article_id = library.save(
        prepared,
        tags=item.tags,
        added_at=item.added_at,
        states=States(archived=item.archived, favorite=item.favorite, unread=unread),
        uid=item.uid or None,
    )
    progress = float(item.read_progress) if item.read_progress is not None else None
    if progress is not None or item.opened_at:
        library.write(set_reading_state, article_id, progress, item.opened_at)
    versions = list((entry or {}).get("text_versions") or [])
    if entry is not None:
        values = stored_values(library, article_id, entry)
        library.write(restore_stored, article_id, values, exported_images(entry), versions)
    hashes = frozenset(str(v["text_hash"]) for v in versions)
    text = str(prepared.row["text"])
    add_highlights(library, article_id, text, item.highlights, hashes)
    if entry is not None and "updated_at" in entry:
        # Last: the writes above would stamp their own time.
        library.write(articles.restore, article_id, {"updated_at": entry["updated_at"]})
    return article_id


def set_reading_state(
    conn: Connection, article_id: int, progress: float | None, opened_at: str | None
) -> None:
    """An imported article's progress and when it was last opened, as far as known."""
    values: dict[str, object] = {}
    if progress is not None:
        values["read_progress"] = min(1.0, max(0.0, progress))
    if opened_at:
        values["opened_at"] = opened_at
    if values:
        articles.update(conn, article_id, values)


def restore_stored(
    conn: Connection,
    article_id: int,
    values: dict[str, Any],
    found_images: dict[str, tuple[bytes, str]],
    versions: list[dict[str, str]],
) -> None:
    """Write back what an export carried as stored: columns, archived images, old texts."""
    articles.restore(conn, article_id, values)
    if found_images:
        images.replace_all(conn, article_id, found_images)
    for version in versions:
        annotation_rows.keep_version(
            conn,
            article_id,
            version["text_hash"],
            version["text"],
            version["content"],
            version["saved_at"],
        )


# Stored as the export has them: derived again on import they could differ from what an older
# release wrote.
STORED_AS_EXPORTED = ("word_count", "extractor_version", "text_hash", "content_hash")


def stored_values(library: Library, article_id: int, entry: dict[str, Any]) -> dict[str, Any]:
    """What the exporting library had stored, rather than what adding derived."""
    values: dict[str, Any] = {name: entry[name] for name in STORED_AS_EXPORTED if name in entry}
    if "domain" in entry:
        values["domain"] = entry["domain"]
        values["domain_key"] = domain_key(entry["domain"])
    if "uid" in entry:  # exports from before uids derived these on import
        values["excerpt"] = entry.get("excerpt")
        canonical = entry.get("canonical_url")
        if canonical is None or not library.read(articles.address_taken, canonical, article_id):
            values["canonical_url"] = canonical
    if entry.get("deleted_at"):
        values["deleted_at"] = entry["deleted_at"]
    source = entry.get("source")
    if source:
        values["source"] = base64.b64decode(source["zlib"])
        values["source_type"] = source.get("content_type")
        values["source_path"] = source.get("path")
    return values


def add_highlights(
    library: Library,
    article_id: int,
    text: str,
    marks: tuple[ImportedHighlight, ...],
    versions: frozenset[str] = frozenset(),
) -> int:
    """Anchor and store `marks` on the article, skipping those it already has; returns how many.

    A highlight with an id (Readmark's own export) is known by its id or its exact place; one
    without (other tools keep only quotes) by its quote. Importing the same export twice (or an
    export of an article already highlighted) therefore never doubles a highlight, while two
    highlights of the same words both come back. `versions` are hashes of earlier texts the
    article keeps: highlights made on them stay as they were, to be re-anchored like any other.
    """
    current = library.annotations(article_id)
    known_ids = {a.id for a in current}
    known_places = {(a.start, a.end, a.exact) for a in current}
    known_quotes = {a.exact.strip().casefold() for a in current}
    added = 0
    for mark in marks:
        key = mark.quote.strip().casefold()
        if not key:
            continue
        if mark.id:
            if mark.id in known_ids or (mark.start, mark.end, mark.quote) in known_places:
                continue
        elif key in known_quotes:
            continue
        annotation = place_highlight(text, mark, versions)
        if library.annotation_exists(annotation.id):
            annotation = replace(annotation, id=anchoring.new_id())
        library.add_annotation(article_id, annotation)
        known_ids.add(annotation.id)
        known_quotes.add(key)
        added += 1
    return added


def place_highlight(
    text: str, mark: ImportedHighlight, versions: frozenset[str] = frozenset()
) -> Annotation:
    """Anchor an imported highlight in `text`: its position, else its quote, else an orphan."""
    stamp = now_iso()
    created = mark.created_at or stamp
    color = mark.color if mark.color in anchoring.COLORS else anchoring.DEFAULT_COLOR
    if mark.start is not None and mark.end is not None:
        kept = Annotation(
            id=mark.id or anchoring.new_id(),
            start=int(mark.start),
            end=int(mark.end),
            exact=mark.quote,
            prefix=mark.prefix,
            suffix=mark.suffix,
            text_hash=anchoring.text_hash(text),
            color=color,
            note=mark.note,
            created_at=created,
            updated_at=mark.updated_at or created,
            orphaned=mark.orphaned,
        )
        if mark.text_hash and (mark.orphaned or mark.text_hash in versions):
            # An orphan, or made on an earlier text the article still keeps: as it was.
            return replace(kept, text_hash=mark.text_hash)
        if mark.orphaned or text[kept.start : kept.end] == kept.exact:
            return kept  # exported from this very text: kept exactly as it was
        return anchoring.reanchor(replace(kept, text_hash=""), text, updated_at=stamp)
    found = anchoring.find_quote(text, mark.quote)
    if found is None:
        return Annotation(
            id=mark.id or anchoring.new_id(),
            start=0,
            end=0,
            exact=mark.quote,
            color=color,
            note=mark.note,
            created_at=created,
            updated_at=created,
            orphaned=True,
        )
    return anchoring.new_annotation(
        text,
        found[0],
        found[1],
        color=color,
        note=mark.note,
        annotation_id=mark.id or None,
        created_at=created,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
