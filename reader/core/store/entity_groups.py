"""What library-level linking reads: the entities in use, their mentions, their articles.

The grouping itself is pure (`reader.core.entities.grouping`); this module only reads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from reader.core.models import ArticleSummary
from reader.core.store.db import rows
from reader.core.store.rows import SUMMARY_COLUMNS, summary

# SQLite's default limit on bound parameters is 32766; stay well under it.
_CHUNK = 900


def in_use(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every entity some article outside the trash mentions: id, key, label, name, aliases
    (a list) and article_count."""
    found = rows(
        conn,
        "SELECT id, key, label, name, aliases, article_count FROM entities "
        "WHERE article_count > 0 ORDER BY id",
    )
    return found


def related(
    conn: sqlite3.Connection, keys: Sequence[str], surnames: Sequence[str]
) -> list[sqlite3.Row]:
    """The entities in use with one of `keys`, and the people whose name is or ends in one
    of `surnames` (the columns of `in_use`)."""
    found: list[sqlite3.Row] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = list(keys[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        found += rows(
            conn,
            "SELECT id, key, label, name, aliases, article_count FROM entities "
            f"WHERE key IN ({marks}) AND article_count > 0",
            chunk,
        )
    for last in surnames:
        escaped = last.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found += rows(
            conn,
            "SELECT id, key, label, name, aliases, article_count FROM entities "
            "WHERE label = 'PERSON' AND article_count > 0 AND (key = ? OR key LIKE ? ESCAPE '\\')",
            [f"person:{last}", f"person:% {escaped}"],
        )
    return found


def aliases_of(row: sqlite3.Row) -> tuple[str, ...]:
    return tuple(json.loads(row["aliases"] or "[]"))


def mention_totals(conn: sqlite3.Connection) -> dict[int, int]:
    """Mentions per entity over the articles outside the trash."""
    found = rows(
        conn,
        "SELECT ae.entity_id AS id, sum(ae.mentions) AS total FROM article_entities ae "
        "JOIN articles a ON a.id = ae.article_id WHERE a.deleted_at IS NULL "
        "GROUP BY ae.entity_id",
    )
    return {int(row["id"]): int(row["total"]) for row in found}


def article_ids(conn: sqlite3.Connection, entity_ids: Sequence[int]) -> dict[int, int]:
    """The articles outside the trash that mention any of `entity_ids`, with how many times."""
    counts: dict[int, int] = {}
    ids = list(entity_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for row in rows(
            conn,
            "SELECT ae.article_id AS id, ae.mentions AS mentions FROM article_entities ae "
            "JOIN articles a ON a.id = ae.article_id "
            f"WHERE a.deleted_at IS NULL AND ae.entity_id IN ({marks})",
            chunk,
        ):
            counts[int(row["id"])] = counts.get(int(row["id"]), 0) + int(row["mentions"])
    return counts


def summaries(conn: sqlite3.Connection, article_ids: Sequence[int]) -> list[ArticleSummary]:
    """The articles of `article_ids`, the most recently saved first."""
    found: list[ArticleSummary] = []
    ids = list(article_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found.extend(
            summary(row)
            for row in rows(
                conn, f"SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.id IN ({marks})", chunk
            )
        )
    found.sort(key=lambda s: s.id, reverse=True)
    return found
