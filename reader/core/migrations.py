"""The library schema as append-only, named migration steps. Never edit a step once released."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("readmark")


@migrations(name="m001_articles")
def m001_articles(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "title": str,
            "byline": str,
            "site_name": str,
            "section": str,
            "published": str,
            "lang": str,
            "word_count": int,
            "added_at": str,
            "opened_at": str,
            "read_progress": float,
            "archived": int,
            "favorite": int,
            "content": str,  # blocks as JSON
            "text": str,  # canonical text: block texts joined by "\n"
            "source": bytes,  # original bytes, zlib-compressed, for re-extraction
            "source_type": str,  # content type of the source
            "source_path": str,
            "extractor_version": str,
            "text_hash": str,
            "content_hash": str,  # hash of the source bytes, dedupes local files
        },
        pk="id",
        not_null={"title", "content", "text", "added_at"},
        defaults={"read_progress": 0.0, "archived": 0, "favorite": 0, "word_count": 0},
    )
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["added_at"])
