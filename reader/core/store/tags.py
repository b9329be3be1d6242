"""The `tags` and `article_tags` tables. Names arrive normalised; empty ones are skipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from reader.core.store.articles import require
from reader.core.store.db import rows
from reader.core.textsafe import clean_text


def normalise(tag: str) -> str:
    """A tag as stored: clean text, and a name of several words with single spaces, no commas."""
    tag = clean_text(tag)
    return " ".join(tag.replace(",", " ").split()) if " " in tag.strip() else tag.strip()


def of_article(conn: sqlite3.Connection, article_id: int) -> list[str]:
    found = rows(
        conn,
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
        "WHERE at.article_id = ? ORDER BY t.name COLLATE NOCASE",
        [article_id],
    )
    return [str(row[0]) for row in found]


def with_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag with the number of articles outside the trash that carry it."""
    found = rows(
        conn,
        "SELECT t.name, (SELECT count(*) FROM article_tags at JOIN articles a "
        "ON a.id = at.article_id WHERE at.tag_id = t.id AND a.deleted_at IS NULL) "
        "FROM tags t ORDER BY t.name COLLATE NOCASE",
    )
    return [(str(row[0]), int(row[1])) for row in found]


def add(conn: sqlite3.Connection, article_id: int, names: Iterable[str]) -> None:
    for name in names:
        if not name:
            continue
        conn.execute("INSERT INTO tags(name) VALUES (?) ON CONFLICT DO NOTHING", [name])
        conn.execute(
            "INSERT OR IGNORE INTO article_tags(article_id, tag_id) "
            "SELECT ?, id FROM tags WHERE name = ?",
            [article_id, name],
        )


def remove(conn: sqlite3.Connection, article_id: int, names: Iterable[str]) -> None:
    for name in names:
        conn.execute(
            "DELETE FROM article_tags WHERE article_id = ? AND tag_id IN "
            "(SELECT id FROM tags WHERE name = ?)",
            [article_id, name],
        )


def clear(conn: sqlite3.Connection, article_id: int) -> None:
    conn.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])


def drop_unused(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)")


def add_to(conn: sqlite3.Connection, article_id: int, tags: Iterable[str]) -> None:
    require(conn, article_id)
    add(conn, article_id, [normalise(tag) for tag in tags])


def remove_from(conn: sqlite3.Connection, article_id: int, tags: Iterable[str]) -> None:
    remove(conn, article_id, [normalise(tag) for tag in tags])
    drop_unused(conn)


def replace_on(conn: sqlite3.Connection, article_id: int, tags: Iterable[str]) -> None:
    require(conn, article_id)
    clear(conn, article_id)
    add(conn, article_id, [normalise(tag) for tag in tags])
    drop_unused(conn)
