"""The library service the GUI and the CLI share: add, get and list articles."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from reader.core import fetch
from reader.core.extract import extract
from reader.core.models import Article, Block, RawPage
from reader.core.resources import sample_article_path
from reader.core.store import open_database

EXTRACTOR_VERSION = "1"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What the library list shows for one article."""

    id: int
    title: str
    site_name: str | None
    published: str | None
    added_at: str
    word_count: int
    unread: bool
    favorite: bool
    archived: bool


@dataclass(frozen=True, slots=True)
class SavedArticle:
    """An article as stored, with its library id and state."""

    id: int
    article: Article
    added_at: str
    opened_at: str | None
    read_progress: float
    favorite: bool
    archived: bool


def article_to_row(article: Article) -> dict[str, object]:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url or article.url,
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "word_count": article.word_count,
        "content": json.dumps([block.to_dict() for block in article.blocks], ensure_ascii=False),
        "text": article.text,
        "text_hash": sha256(article.text),
    }


def row_to_article(row: dict[str, object]) -> Article:
    blocks = tuple(Block.from_dict(item) for item in json.loads(str(row["content"])))
    return Article(
        title=str(row["title"]),
        blocks=blocks,
        byline=row.get("byline"),  # type: ignore[arg-type]
        site_name=row.get("site_name"),  # type: ignore[arg-type]
        section=row.get("section"),  # type: ignore[arg-type]
        published=row.get("published"),  # type: ignore[arg-type]
        lang=row.get("lang"),  # type: ignore[arg-type]
        url=row.get("url"),  # type: ignore[arg-type]
        canonical_url=row.get("canonical_url"),  # type: ignore[arg-type]
    )


class Library:
    """One library file. Each thread that uses the library opens its own `Library`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: Database = open_database(path)

    def close(self) -> None:
        self.db.close()

    # -- adding ---------------------------------------------------------------------------

    def add_source(self, source: str, kind: str | None = None) -> int:
        """Load, extract and save `source` (URL or path); returns the article id."""
        raw = fetch.load(source)
        article = extract(raw, kind=kind)
        return self.add_article(article, raw)

    def add_article(self, article: Article, raw: RawPage | None = None) -> int:
        """Save `article`; the same URL (or local file content) updates, never duplicates."""
        row = article_to_row(article)
        existing = None
        if raw is not None:
            row["source"] = zlib.compress(raw.data)
            row["source_type"] = raw.content_type
            row["source_path"] = raw.path
            row["content_hash"] = sha256(raw.data)
        row["extractor_version"] = EXTRACTOR_VERSION
        with self.db.atomic():
            if row.get("canonical_url"):
                existing = self._first_id("canonical_url = ?", [row["canonical_url"]])
            elif row.get("content_hash"):
                existing = self._first_id("content_hash = ?", [row["content_hash"]])
            if existing is not None:
                self.db["articles"].update(existing, row)
                return existing
            row["added_at"] = _now()
            table = self.db["articles"].insert(row)
            return int(table.last_pk)

    def _first_id(self, where: str, args: list[object]) -> int | None:
        for found in self.db.query(f"select id from articles where {where} limit 1", args):
            return int(found["id"])
        return None

    def ensure_sample(self) -> int | None:
        """On an empty library, add the bundled sample article; returns its id if added."""
        if self.count() > 0:
            return None
        return self.add_source(str(sample_article_path()))

    # -- reading --------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("select count(*) from articles").fetchone()[0])

    def get(self, article_id: int) -> SavedArticle:
        row = self.db["articles"].get(article_id)
        return SavedArticle(
            id=int(row["id"]),
            article=row_to_article(row),
            added_at=str(row["added_at"]),
            opened_at=row["opened_at"],
            read_progress=float(row["read_progress"] or 0.0),
            favorite=bool(row["favorite"]),
            archived=bool(row["archived"]),
        )

    def list_articles(self, limit: int = 200, offset: int = 0) -> list[ArticleSummary]:
        rows = self.db.query(
            "select id, title, site_name, published, added_at, word_count, opened_at, "
            "favorite, archived from articles order by added_at desc, id desc limit ? offset ?",
            [limit, offset],
        )
        return [
            ArticleSummary(
                id=int(r["id"]),
                title=str(r["title"]),
                site_name=r["site_name"],
                published=r["published"],
                added_at=str(r["added_at"]),
                word_count=int(r["word_count"] or 0),
                unread=r["opened_at"] is None,
                favorite=bool(r["favorite"]),
                archived=bool(r["archived"]),
            )
            for r in rows
        ]

    def last_opened_id(self) -> int | None:
        found = self._first_id("opened_at is not null order by opened_at desc", [])
        if found is not None:
            return found
        return self._first_id("1 order by added_at desc, id desc", [])

    def mark_opened(self, article_id: int) -> None:
        self.db["articles"].update(article_id, {"opened_at": _now()})
