"""The whole library (or part of it) as one JSON file that imports back into an empty library.

Articles keep their identity (`uid`), blocks and stored source, so nothing is fetched or extracted
again on the way back; highlights keep their ids and positions; states, dates, tags and archived
images come along.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.atomic import replacing
from reader.core.library import Library
from reader.core.store import articles, entity_rules

# 2: every article carries its `uid`, its stored source and every stored field, so an import
# restores it exactly; files of version 1 still import.
FORMAT_VERSION = 2

# Stored as they are: derived again on import they could differ from what an older release wrote.
STORED_FIELDS = (
    "uid",
    "domain",
    "word_count",
    "updated_at",
    "extractor_version",
    "text_hash",
    "content_hash",
)


def article_entry(
    library: Library, article_id: int, images: bool = True, source: bool = True
) -> dict[str, Any]:
    saved = library.get(article_id)
    article = saved.article
    stored = library.stored_fields(article_id)
    entry: dict[str, Any] = {
        "uid": saved.uid,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "lead_image": article.lead_image,
        "excerpt": article.excerpt,
        "added_at": saved.added_at,
        "opened_at": saved.opened_at,
        "read_progress": saved.read_progress,
        "unread": saved.unread,
        "archived": saved.archived,
        "favorite": saved.favorite,
        "deleted_at": saved.deleted_at,  # in the trash since then; None outside it
        "tags": list(saved.tags),
        "blocks": [block.to_dict() for block in article.blocks],
        # In the order they were saved, so the import saves them in that order too.
        "annotations": [
            {
                "id": a.id,
                "start": a.start,
                "end": a.end,
                "exact": a.exact,
                "prefix": a.prefix,
                "suffix": a.suffix,
                "text_hash": a.text_hash,
                "color": a.color,
                "note": a.note,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "orphaned": a.orphaned,
            }
            for a in library.annotations_in_saved_order(article_id)
        ],
        "images": _images(library, article_id) if images else [],
    }
    for name in STORED_FIELDS:
        entry[name] = stored[name]
    entry["source"] = _source(stored) if source else None
    # Earlier texts that highlights still point to, so they can be re-anchored after import.
    entry["text_versions"] = library.text_versions(article_id)
    return entry


def _source(stored: dict[str, Any]) -> dict[str, Any] | None:
    """The original bytes as stored (zlib), so a restored article can still be re-extracted."""
    if stored["source"] is None:
        return None
    return {
        "content_type": stored["source_type"],
        "path": stored["source_path"],
        "zlib": base64.b64encode(stored["source"]).decode("ascii"),
    }


def _images(library: Library, article_id: int) -> list[dict[str, str]]:
    """Archived images, base64 in the file, so a restored library reads offline too."""
    return [
        {"url": url, "content_type": mime, "data": base64.b64encode(data).decode("ascii")}
        for url, mime, data in library.images(article_id)
    ]


def live_article_ids(library: Library) -> list[int]:
    return library.live_ids()


def whole_library_ids(library: Library) -> list[int]:
    """Every article, the trash included, in the order they were saved."""
    return sorted({*library.live_ids(), *library.read(articles.trashed_ids)})


def export_json(
    library: Library, dest: Path, article_ids: Iterable[int] | None = None, images: bool = True
) -> int:
    """Write the articles (default: all of them, the trash included) to `dest`; returns how
    many."""
    ids = whole_library_ids(library) if article_ids is None else list(article_ids)
    # Streamed article by article, so a large library never sits in memory as one string.
    with replacing(dest) as partial, partial.open("w", encoding="utf-8") as handle:
        header = {
            "readmark_library": FORMAT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "count": len(ids),
            # The person's entity decisions, so a restored library keeps them.
            "entity_rules": library.read(entity_rules.every),
        }
        handle.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "articles": [\n')
        for index, entry in enumerate(_entries(library, ids, images)):
            if index:
                handle.write(",\n")
            handle.write(json.dumps(entry, ensure_ascii=False))
        handle.write("\n]}\n")
    return len(ids)


def _entries(library: Library, ids: list[int], images: bool) -> Iterator[dict[str, Any]]:
    for article_id in ids:
        yield article_entry(library, article_id, images)
