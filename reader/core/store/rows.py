"""Rows of the library file to values and back: blocks as JSON, articles, summaries,
annotations and entities."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.core.models import (
    Annotation,
    Article,
    ArticleSummary,
    Block,
    BlockKind,
    Entity,
    SavedArticle,
)
from reader.core.store.migrations import domain_key
from reader.core.urls import domain_of, normalise_url
from reader.core.util import sha256

EXCERPT_CHARS = 280

# The columns of a list row; the tag names come along, joined by the unit separator.
SUMMARY_COLUMNS = (
    "a.id, a.title, a.site_name, a.published, a.added_at, a.word_count, a.unread, a.favorite, "
    "a.archived, a.url, a.byline, a.opened_at, a.read_progress, a.excerpt, a.deleted_at, "
    "(SELECT group_concat(t.name, char(31)) FROM article_tags at2 JOIN tags t "
    "ON t.id = at2.tag_id WHERE at2.article_id = a.id) AS tag_names"
)


def blocks_to_json(blocks: Sequence[Block]) -> str:
    """Blocks without their text (the text column has it); "n" is each block's length."""
    items = []
    for block in blocks:
        data = block.to_dict()
        data.pop("text", None)
        data["n"] = len(block.text)
        items.append(data)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def blocks_from_json(content: str, text: str) -> tuple[Block, ...]:
    blocks = []
    offset = 0
    for data in json.loads(content):
        if "text" not in data:  # version-1 rows keep the text inside each block
            length = int(data.get("n", 0))
            data = {**data, "text": text[offset : offset + length]}
        offset += len(data["text"]) + 1
        blocks.append(Block.from_dict(data))
    return tuple(blocks)


def row_to_article(row: sqlite3.Row | dict[str, Any]) -> Article:
    return Article(
        title=str(row["title"]),
        blocks=blocks_from_json(str(row["content"]), str(row["text"])),
        byline=row["byline"],
        site_name=row["site_name"],
        section=row["section"],
        published=row["published"],
        lang=row["lang"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        lead_image=row["lead_image"],
        excerpt=row["excerpt"],
    )


def excerpt(article: Article) -> str:
    """What a list shows under the title: the article's own excerpt, else its first paragraph."""
    if article.excerpt:
        return article.excerpt[:EXCERPT_CHARS]
    for block in article.blocks:
        if block.kind == BlockKind.PARAGRAPH and len(block.text) > 40:
            return block.text[:EXCERPT_CHARS]
    return article.text[:EXCERPT_CHARS]


def article_to_row(article: Article) -> dict[str, object]:
    canonical = normalise_url(article.canonical_url or article.url)
    return {
        "url": article.url,
        "canonical_url": canonical,
        "domain": domain_of(article.url or canonical),
        "domain_key": domain_key(domain_of(article.url or canonical)),
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "excerpt": excerpt(article),
        "lead_image": article.lead_image,
        "word_count": article.word_count,
        "content": blocks_to_json(article.blocks),
        "text": article.text,
        "text_hash": sha256(article.text),
    }


def saved_article(row: sqlite3.Row, tags: Sequence[str]) -> SavedArticle:
    return SavedArticle(
        id=int(row["id"]),
        article=row_to_article(row),
        added_at=str(row["added_at"]),
        opened_at=row["opened_at"],
        read_progress=float(row["read_progress"] or 0.0),
        favorite=bool(row["favorite"]),
        archived=bool(row["archived"]),
        unread=bool(row["unread"]),
        tags=tuple(tags),
        deleted_at=row["deleted_at"],
        updated_at=row["updated_at"],
        text_hash=str(row["text_hash"] or ""),
        extractor_version=row["extractor_version"],
        uid=str(row["uid"] or ""),
    )


def summary(row: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(**summary_fields(row))


def summary_fields(row: sqlite3.Row) -> dict[str, Any]:
    tags = tuple(sorted(row["tag_names"].split("\x1f"), key=str.lower)) if row["tag_names"] else ()
    return dict(
        id=int(row["id"]),
        title=str(row["title"]),
        site_name=row["site_name"],
        published=row["published"],
        added_at=str(row["added_at"]),
        word_count=int(row["word_count"] or 0),
        unread=bool(row["unread"]),
        favorite=bool(row["favorite"]),
        archived=bool(row["archived"]),
        url=row["url"],
        byline=row["byline"],
        opened_at=row["opened_at"],
        read_progress=float(row["read_progress"] or 0.0),
        excerpt=row["excerpt"],
        tags=tags,
        deleted_at=row["deleted_at"],
    )


def annotation(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=str(row["id"]),
        start=int(row["start"]),
        end=int(row["end"]),
        exact=str(row["exact"]),
        prefix=str(row["prefix"]),
        suffix=str(row["suffix"]),
        text_hash=str(row["text_hash"]),
        color=str(row["color"]),
        note=str(row["note"]),
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
        orphaned=bool(row["orphaned"]),
    )


def entity(row: sqlite3.Row) -> Entity:
    return Entity(
        key=str(row["key"]),
        label=str(row["label"]),
        name=str(row["name"]),
        aliases=tuple(json.loads(row["aliases"] or "[]")),
    )
