"""The `feeds`, `feed_items` and `feed_rules` tables.

`read(path)` and `write(path)` hand the feed code this thread's connection of an open library,
the second inside the process's write turn and one transaction (nested: a savepoint).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.core.feeds.model import Feed, Rule
from reader.core.store import connections
from reader.core.store.articles import filter_where
from reader.core.store.db import reading, rows, value, writing

FEED_FIELDS = (
    "url",
    "title",
    "site_url",
    "folder",
    "every_s",
    "etag",
    "last_modified",
    "added_at",
    "checked_at",
    "ok_at",
    "last_error",
    "dead",
)


@contextmanager
def read(path: Path) -> Iterator[sqlite3.Connection]:
    with reading(connections.database(path), path) as conn:
        yield conn


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    with connections.one_writer(path), writing(connections.database(path), path) as conn:
        yield conn


# -- feeds ---------------------------------------------------------------------------------------

_FEED_SELECT = (
    "SELECT f.*, "
    "(SELECT count(*) FROM feed_items fi JOIN articles a ON a.id = fi.article_id "
    " WHERE fi.feed_id = f.id AND a.unread = 1 AND a.deleted_at IS NULL) AS unread, "
    "(SELECT count(*) FROM feed_items fi WHERE fi.feed_id = f.id) AS items "
    "FROM feeds f"
)


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=int(row["id"]),
        url=str(row["url"]),
        title=str(row["title"]),
        site_url=str(row["site_url"]),
        folder=str(row["folder"]),
        every_s=int(row["every_s"]),
        etag=str(row["etag"]),
        last_modified=str(row["last_modified"]),
        added_at=str(row["added_at"]),
        checked_at=str(row["checked_at"]),
        ok_at=str(row["ok_at"]),
        last_error=str(row["last_error"]),
        dead=bool(row["dead"]),
        unread=int(row["unread"]),
        items=int(row["items"]),
    )


def all_feeds(conn: sqlite3.Connection) -> list[Feed]:
    found = rows(
        conn, f"{_FEED_SELECT} ORDER BY f.folder COLLATE NOCASE, f.title COLLATE NOCASE, f.id"
    )
    return [_feed(row) for row in found]


def get(conn: sqlite3.Connection, feed_id: int) -> Feed | None:
    found = rows(conn, f"{_FEED_SELECT} WHERE f.id = ?", [feed_id])
    return _feed(found[0]) if found else None


def by_url(conn: sqlite3.Connection, url: str) -> Feed | None:
    found = rows(conn, f"{_FEED_SELECT} WHERE f.url = ?", [url])
    return _feed(found[0]) if found else None


def insert(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    names = [name for name in FEED_FIELDS if name in values]
    marks = ", ".join("?" for _ in names)
    cursor = conn.execute(
        f"INSERT INTO feeds ({', '.join(names)}) VALUES ({marks})", [values[n] for n in names]
    )
    return int(cursor.lastrowid or 0)


def update(conn: sqlite3.Connection, feed_id: int, values: dict[str, Any]) -> None:
    names = [name for name in FEED_FIELDS if name in values]
    if not names:
        return
    assignments = ", ".join(f"{name} = ?" for name in names)
    conn.execute(
        f"UPDATE feeds SET {assignments} WHERE id = ?", [*(values[n] for n in names), feed_id]
    )


def delete(conn: sqlite3.Connection, feed_id: int) -> bool:
    return conn.execute("DELETE FROM feeds WHERE id = ?", [feed_id]).rowcount > 0


def folder_unread(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Each folder with the unread live articles of its feeds."""
    found = rows(
        conn,
        "SELECT f.folder, count(DISTINCT a.id) FROM feeds f "
        "LEFT JOIN feed_items fi ON fi.feed_id = f.id "
        "LEFT JOIN articles a ON a.id = fi.article_id AND a.unread = 1 AND a.deleted_at IS NULL "
        "GROUP BY f.folder ORDER BY f.folder COLLATE NOCASE",
    )
    return [(str(row[0]), int(row[1])) for row in found]


# -- items -------------------------------------------------------------------------------------


def known_guids(conn: sqlite3.Connection, feed_id: int, guids: Sequence[str]) -> set[str]:
    """Which of `guids` the feed has listed before (saved, found in the library, skipped...)."""
    known: set[str] = set()
    for start in range(0, len(guids), 500):
        part = list(guids[start : start + 500])
        marks = ", ".join("?" for _ in part)
        found = conn.execute(
            f"SELECT guid FROM feed_items WHERE feed_id = ? AND guid IN ({marks})",
            [feed_id, *part],
        ).fetchall()
        known.update(str(row[0]) for row in found)
    return known


def record_item(
    conn: sqlite3.Connection,
    feed_id: int,
    guid: str,
    url: str,
    status: str,
    seen_at: str,
    article_id: int | None = None,
    reason: str = "",
) -> None:
    conn.execute(
        "INSERT INTO feed_items (feed_id, guid, url, article_id, status, reason, seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, guid) DO UPDATE SET "
        "article_id = excluded.article_id, status = excluded.status, reason = excluded.reason",
        [feed_id, guid, url, article_id, status, reason, seen_at],
    )


def item_counts(conn: sqlite3.Connection, feed_id: int) -> dict[str, int]:
    found = conn.execute(
        "SELECT status, count(*) FROM feed_items WHERE feed_id = ? GROUP BY status", [feed_id]
    ).fetchall()
    return {str(row[0]): int(row[1]) for row in found}


def feed_article_ids(conn: sqlite3.Connection, feed_id: int) -> list[int]:
    found = conn.execute(
        "SELECT article_id FROM feed_items WHERE feed_id = ? AND article_id IS NOT NULL "
        "ORDER BY article_id",
        [feed_id],
    ).fetchall()
    return [int(row[0]) for row in found]


def matching(conn: sqlite3.Connection, query: str, among: Iterable[int] | None = None) -> list[int]:
    """Live articles matching the search-language `query`, limited to `among` when given."""
    where = filter_where(query)
    if among is None:
        found = conn.execute(
            f"SELECT a.id FROM articles a WHERE {where.sql()} ORDER BY a.id", where.params
        ).fetchall()
        return [int(row[0]) for row in found]
    ids = list(among)
    matched: list[int] = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ", ".join("?" for _ in part)
        found = conn.execute(
            f"SELECT a.id FROM articles a WHERE {where.sql()} AND a.id IN ({marks}) ORDER BY a.id",
            [*where.params, *part],
        ).fetchall()
        matched.extend(int(row[0]) for row in found)
    return matched


# -- rules -------------------------------------------------------------------------------------


def rules(conn: sqlite3.Connection) -> list[Rule]:
    found = rows(conn, "SELECT * FROM feed_rules ORDER BY id")
    return [
        Rule(
            id=int(row["id"]),
            query=str(row["query"]),
            action=str(row["action"]),
            value=str(row["value"]),
            feed_id=None if row["feed_id"] is None else int(row["feed_id"]),
        )
        for row in found
    ]


def add_rule(
    conn: sqlite3.Connection,
    feed_id: int | None,
    query: str,
    action: str,
    rule_value: str,
    created_at: str,
) -> int:
    cursor = conn.execute(
        "INSERT INTO feed_rules (feed_id, query, action, value, created_at) VALUES (?, ?, ?, ?, ?)",
        [feed_id, query, action, rule_value, created_at],
    )
    return int(cursor.lastrowid or 0)


def delete_rule(conn: sqlite3.Connection, rule_id: int) -> bool:
    return conn.execute("DELETE FROM feed_rules WHERE id = ?", [rule_id]).rowcount > 0


def count_feeds(conn: sqlite3.Connection) -> int:
    return int(value(conn, "SELECT count(*) FROM feeds"))
