"""The `images` table: pictures archived with their article, so reading needs no network."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from urllib.parse import urljoin

from reader.core.store.db import rows, value


def find(conn: sqlite3.Connection, article_id: int, url: str) -> tuple[bytes, str] | None:
    """(bytes, content type) of the image a block's `src` names, absolute or relative to the
    article's URL."""
    base = value(conn, "SELECT url FROM articles WHERE id = ?", [article_id]) or ""
    try:
        absolute = urljoin(str(base), url)
    except ValueError:  # an address that does not parse (an unclosed IPv6 bracket)
        absolute = url
    found = rows(
        conn,
        "SELECT data, content_type FROM images WHERE article_id = ? AND url IN (?, ?)",
        [article_id, url, absolute],
    )
    return (bytes(found[0][0]), str(found[0][1])) if found else None


def urls(conn: sqlite3.Connection, article_id: int) -> list[str]:
    found = rows(conn, "SELECT url FROM images WHERE article_id = ? ORDER BY url", [article_id])
    return [str(row[0]) for row in found]


def for_article(conn: sqlite3.Connection, article_id: int) -> list[tuple[str, str, bytes]]:
    """Every archived image of the article as (url, content type, bytes), by URL."""
    found = rows(
        conn,
        "SELECT url, content_type, data FROM images WHERE article_id = ? ORDER BY url",
        [article_id],
    )
    return [(str(row[0]), str(row[1]), bytes(row[2])) for row in found]


def replace_all(
    conn: sqlite3.Connection, article_id: int, images: Mapping[str, tuple[bytes, str]]
) -> None:
    conn.execute("DELETE FROM images WHERE article_id = ?", [article_id])
    conn.executemany(
        "INSERT INTO images(article_id, url, content_type, data) VALUES (?, ?, ?, ?)",
        [(article_id, url, mime, data) for url, (data, mime) in images.items()],
    )
