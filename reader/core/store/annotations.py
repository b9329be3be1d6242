"""The `annotations` table, and `text_versions`: the text an article had before it changed,
kept while a highlight made on it still needs re-anchoring."""

from __future__ import annotations

import sqlite3

from reader.core.errors import LibraryError
from reader.core.models import Annotation, ArticleAnnotation
from reader.core.store.db import rows, value
from reader.core.store.rows import annotation as annotation_of


def save(conn: sqlite3.Connection, article_id: int, annotation: Annotation, now: str) -> None:
    """Insert the annotation, or update the one with its id; empty dates become `now`."""
    conn.execute(
        'INSERT INTO annotations(id, article_id, start, "end", exact, prefix, suffix, '
        "text_hash, color, note, created_at, updated_at, orphaned) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        'start = excluded.start, "end" = excluded."end", exact = excluded.exact, '
        "prefix = excluded.prefix, suffix = excluded.suffix, "
        "text_hash = excluded.text_hash, color = excluded.color, note = excluded.note, "
        "updated_at = excluded.updated_at, orphaned = excluded.orphaned",
        [
            annotation.id,
            article_id,
            annotation.start,
            annotation.end,
            annotation.exact,
            annotation.prefix,
            annotation.suffix,
            annotation.text_hash,
            annotation.color,
            annotation.note,
            annotation.created_at or now,
            annotation.updated_at or now,
            int(annotation.orphaned),
        ],
    )


def exists(conn: sqlite3.Connection, annotation_id: str) -> bool:
    return value(conn, "SELECT 1 FROM annotations WHERE id = ?", [annotation_id]) is not None


def article_of(conn: sqlite3.Connection, annotation_id: str) -> int | None:
    found = value(conn, "SELECT article_id FROM annotations WHERE id = ?", [annotation_id])
    return None if found is None else int(found)


def delete(conn: sqlite3.Connection, annotation_id: str) -> None:
    conn.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])


def update(conn: sqlite3.Connection, annotation: Annotation, now: str) -> None:
    """Save changes to an existing annotation; its article's unused old texts go."""
    article_id = article_of(conn, annotation.id)
    if article_id is None:
        raise LibraryError(f"There is no annotation {annotation.id}.")
    save(conn, article_id, annotation, now)
    drop_unused_versions(conn, article_id)


def delete_one(conn: sqlite3.Connection, annotation_id: str) -> None:
    """Delete an annotation; its article's unused old texts go with it."""
    article_id = article_of(conn, annotation_id)
    delete(conn, annotation_id)
    if article_id is not None:
        drop_unused_versions(conn, article_id)


def in_saved_order(conn: sqlite3.Connection, article_id: int) -> list[Annotation]:
    """The article's annotations in the order they were first saved."""
    order = ids_in_saved_order(conn, article_id)
    by_id = {a.id: a for a in of_article(conn, article_id)}
    return [by_id[annotation_id] for annotation_id in order if annotation_id in by_id]


def delete_for_article(conn: sqlite3.Connection, article_id: int) -> None:
    conn.execute("DELETE FROM annotations WHERE article_id = ?", [article_id])


def of_article(conn: sqlite3.Connection, article_id: int) -> list[Annotation]:
    found = rows(
        conn, "SELECT * FROM annotations WHERE article_id = ? ORDER BY start, id", [article_id]
    )
    return [annotation_of(row) for row in found]


def across_library(
    conn: sqlite3.Connection, query: str | None, limit: int
) -> list[ArticleAnnotation]:
    """Annotations of articles outside the trash, latest first; `query` filters on quote and
    note."""
    sql = (
        "SELECT n.*, a.title AS article_title FROM annotations n "
        "JOIN articles a ON a.id = n.article_id WHERE a.deleted_at IS NULL"
    )
    params: list[object] = []
    if query:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql += " AND (n.note LIKE ? ESCAPE '\\' OR n.exact LIKE ? ESCAPE '\\')"
        params += [pattern, pattern]
    sql += " ORDER BY n.updated_at DESC, n.id LIMIT ?"
    found = rows(conn, sql, [*params, limit])
    return [
        ArticleAnnotation(int(row["article_id"]), str(row["article_title"]), annotation_of(row))
        for row in found
    ]


def live_article_ids(conn: sqlite3.Connection) -> list[int]:
    """Articles outside the trash that have annotations, by id."""
    found = rows(
        conn,
        "SELECT DISTINCT n.article_id FROM annotations n JOIN articles a "
        "ON a.id = n.article_id WHERE a.deleted_at IS NULL ORDER BY n.article_id",
    )
    return [int(row[0]) for row in found]


def stale_article_ids(conn: sqlite3.Connection) -> list[int]:
    """Articles whose text changed since some of their annotations were placed."""
    found = rows(
        conn,
        "SELECT DISTINCT n.article_id FROM annotations n JOIN articles a ON a.id = n.article_id "
        "WHERE n.text_hash <> coalesce(a.text_hash, '') ORDER BY n.article_id",
    )
    return [int(row[0]) for row in found]


def keep_version(
    conn: sqlite3.Connection, article_id: int, text_hash: str, text: str, content: str, now: str
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO text_versions(article_id, text_hash, text, content, saved_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [article_id, text_hash, text, content, now],
    )


def versions(conn: sqlite3.Connection, article_id: int) -> list[dict[str, str]]:
    """The earlier texts kept for the article: hash, text, blocks (JSON) and when saved."""
    found = rows(
        conn,
        "SELECT text_hash, text, content, saved_at FROM text_versions WHERE article_id = ? "
        "ORDER BY saved_at, text_hash",
        [article_id],
    )
    return [
        {"text_hash": row[0], "text": row[1], "content": row[2], "saved_at": row[3]}
        for row in found
    ]


def ids_in_saved_order(conn: sqlite3.Connection, article_id: int) -> list[str]:
    """The article's annotation ids in the order they were first saved."""
    found = rows(
        conn, "SELECT id FROM annotations WHERE article_id = ? ORDER BY rowid", [article_id]
    )
    return [str(row[0]) for row in found]


def version_text(conn: sqlite3.Connection, article_id: int, text_hash: str) -> str | None:
    found = value(
        conn,
        "SELECT text FROM text_versions WHERE article_id = ? AND text_hash = ?",
        [article_id, text_hash],
    )
    return None if found is None else str(found)


def drop_unused_versions(conn: sqlite3.Connection, article_id: int) -> None:
    """An old text stays only while some highlight still refers to it."""
    conn.execute(
        "DELETE FROM text_versions WHERE article_id = ? AND text_hash NOT IN "
        "(SELECT text_hash FROM annotations WHERE article_id = ?)",
        [article_id, article_id],
    )
