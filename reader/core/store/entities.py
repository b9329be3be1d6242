"""The `entities`, `mentions` and `article_entities` tables. Triggers keep each entity's count
of articles outside the trash."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from reader.core.models import ArticleSummary, Entity, EntityCount, Mention
from reader.core.store import entity_rules
from reader.core.store.db import rows, value
from reader.core.store.rows import SUMMARY_COLUMNS, entity, summary

UNBOUNDED_ID = 2**63 - 1  # above every article id
# Articles never recognised, English or of unknown language; the partial index
# `articles_unrecognised` holds exactly the first two conditions.
UNRECOGNISED_SQL = (
    "SELECT id FROM articles WHERE entities_at IS NULL AND deleted_at IS NULL AND id < ? "
    "AND (lang IS NULL OR lang = '' OR lower(lang) = 'en' OR lower(lang) LIKE 'en-%') "
    "ORDER BY id DESC LIMIT ?"
)


def clear(conn: sqlite3.Connection, article_id: int) -> None:
    conn.execute("UPDATE articles SET entities_at = NULL WHERE id = ?", [article_id])
    conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])


def store(
    conn: sqlite3.Connection,
    article_id: int,
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    recognised_at: str,
    note: str = "",
) -> None:
    """Replace the article's mentions and entity links; call inside a write transaction.

    `note` says why the mentions cover only part of the article, when they do. The person's
    entity rules apply first, whoever recognised the article."""
    mentions, entities = entity_rules.curate(conn, article_id, mentions, entities)
    clear(conn, article_id)
    conn.execute(
        "UPDATE articles SET entities_at = ?, entities_note = ? WHERE id = ?",
        [recognised_at, note or None, article_id],
    )
    known = {each.key: each for each in entities}
    for mention in mentions:
        if mention.entity_key not in known:
            known[mention.entity_key] = Entity(
                key=mention.entity_key, label=mention.label, name=mention.entity_key
            )
    ids: dict[str, int] = {}
    for each in known.values():
        row = conn.execute(
            "INSERT INTO entities(key, label, name, aliases) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET label = excluded.label, name = excluded.name, "
            "aliases = excluded.aliases RETURNING id",
            [each.key, each.label, each.name, json.dumps(list(each.aliases))],
        ).fetchone()
        ids[each.key] = int(row[0])
    conn.executemany(
        'INSERT INTO mentions(article_id, start, "end", label, entity_id) VALUES (?, ?, ?, ?, ?)',
        [(article_id, m.start, m.end, m.label, ids[m.entity_key]) for m in mentions],
    )
    counts: dict[int, int] = {}
    for mention in mentions:
        entity_id = ids[mention.entity_key]
        counts[entity_id] = counts.get(entity_id, 0) + 1
    conn.executemany(
        "INSERT INTO article_entities(entity_id, article_id, mentions) VALUES (?, ?, ?)",
        [(entity_id, article_id, count) for entity_id, count in counts.items()],
    )


def note(conn: sqlite3.Connection, article_id: int) -> str:
    found = value(conn, "SELECT entities_note FROM articles WHERE id = ?", [article_id])
    return str(found or "")


def recognised_at(conn: sqlite3.Connection, article_id: int) -> str | None:
    found = value(conn, "SELECT entities_at FROM articles WHERE id = ?", [article_id])
    return None if found is None else str(found)


def unrecognised(conn: sqlite3.Connection, before: int | None, limit: int) -> list[int]:
    found = rows(conn, UNRECOGNISED_SQL, [before if before is not None else UNBOUNDED_ID, limit])
    return [int(row[0]) for row in found]


def mentions(conn: sqlite3.Connection, article_id: int) -> list[Mention]:
    found = rows(
        conn,
        'SELECT m.start, m."end", m.label, e.key FROM mentions m '
        "JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.start",
        [article_id],
    )
    return [Mention(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in found]


def counts_in_article(conn: sqlite3.Connection, article_id: int) -> list[EntityCount]:
    """The article's entities with their number of mentions in it, most mentioned first."""
    found = rows(
        conn,
        "SELECT e.key, e.label, e.name, e.aliases, ae.mentions FROM article_entities ae "
        "JOIN entities e ON e.id = ae.entity_id WHERE ae.article_id = ? "
        "ORDER BY ae.mentions DESC, e.name COLLATE NOCASE",
        [article_id],
    )
    return [EntityCount(entity(row), int(row["mentions"])) for row in found]


def articles_mentioning(
    conn: sqlite3.Connection, entity_key: str, limit: int, offset: int
) -> list[ArticleSummary]:
    # Walks the (entity, article) index backwards, so a page costs the same for an entity in
    # ten articles or in ten thousand.
    found = rows(
        conn,
        f"SELECT {SUMMARY_COLUMNS} FROM article_entities ae "
        "JOIN articles a ON a.id = ae.article_id "
        "WHERE ae.entity_id = (SELECT id FROM entities WHERE key = ?) "
        "AND a.deleted_at IS NULL ORDER BY ae.article_id DESC LIMIT ? OFFSET ?",
        [entity_key, limit, offset],
    )
    return [summary(row) for row in found]


def top(conn: sqlite3.Connection, label: str | None, limit: int) -> list[EntityCount]:
    """Entities by the number of articles (outside the trash) that mention them."""
    if label is None:
        found = rows(
            conn,
            "SELECT key, label, name, aliases, article_count FROM entities "
            "WHERE article_count > 0 ORDER BY article_count DESC LIMIT ?",
            [limit],
        )
    else:
        found = rows(
            conn,
            "SELECT key, label, name, aliases, article_count FROM entities "
            "WHERE label = ? AND article_count > 0 ORDER BY article_count DESC LIMIT ?",
            [label, limit],
        )
    return [EntityCount(entity(row), int(row["article_count"])) for row in found]


def drop_unused(conn: sqlite3.Connection) -> None:
    conn.execute(
        "DELETE FROM entities WHERE article_count <= 0 AND id NOT IN "
        "(SELECT entity_id FROM article_entities)"
    )


def count_in_use(conn: sqlite3.Connection) -> int:
    return int(value(conn, "SELECT count(*) FROM entities WHERE article_count > 0"))
