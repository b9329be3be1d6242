"""Every stored field of a library, with local row ids replaced by what they point to.

Two libraries that hold the same articles compare equal whatever ids their rows got: articles
are known by their `uid`, tags by their name, entities by their key. The columns are read from
the schema, so a column added later is compared too, and an export that forgets it fails.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# What a library holds about itself rather than about its articles: not carried by an export.
NOT_ARTICLE_DATA = frozenset({"settings", "import_jobs", "import_items", "_sqlite_migrations"})
# Integer keys local to one file, and what stands for them.
ARTICLE_REF = "article_id"
TAG_REF = "tag_id"
ENTITY_REF = "entity_id"


def _tables(conn: sqlite3.Connection) -> list[str]:
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    # The search index and its shadow tables are rebuilt from the articles by triggers.
    return [n for n in names if n not in NOT_ARTICLE_DATA and not n.startswith("articles_fts")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]


def snapshot(path: Path) -> dict[str, dict[Any, dict[str, Any]]]:
    """table -> row key -> {column: value}, for every table of article data in the library."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        uids = dict(conn.execute("SELECT id, uid FROM articles"))
        tags = dict(conn.execute("SELECT id, name FROM tags"))
        entities = dict(conn.execute("SELECT id, key FROM entities"))
        refs = {ARTICLE_REF: uids, TAG_REF: tags, ENTITY_REF: entities}
        result: dict[str, dict[Any, dict[str, Any]]] = {}
        for table in _tables(conn):
            columns = _columns(conn, table)
            rows: dict[Any, dict[str, Any]] = {}
            quoted = ", ".join(f'"{column}"' for column in columns)
            cursor = conn.execute(f"SELECT {quoted} FROM {table}")
            for values in cursor:
                row = dict(zip(columns, values, strict=True))
                if table in ("articles", "tags", "entities"):
                    row.pop("id")  # local; uid, name and key say which one it is
                for name, mapping in refs.items():
                    if name in row:
                        row[name] = mapping[row[name]]
                key = _key(table, row)
                assert key not in rows, f"{table}: two rows for {key}"
                rows[key] = row
            result[table] = rows
        return result
    finally:
        conn.close()


def _key(table: str, row: dict[str, Any]) -> Any:
    if table == "articles":
        return row["uid"]
    if table == "tags":
        return row["name"].casefold()
    if table == "entities":
        return row["key"]
    return tuple(sorted((k, repr(v)) for k, v in row.items()))


def differences(
    left: dict[str, dict[Any, dict[str, Any]]], right: dict[str, dict[Any, dict[str, Any]]]
) -> Iterator[str]:
    """Each field that differs, as "table key column: left != right"."""
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table, {}), right.get(table, {})
        for key in sorted(set(a) - set(b), key=repr):
            yield f"{table} {key!r}: only on the left"
        for key in sorted(set(b) - set(a), key=repr):
            yield f"{table} {key!r}: only on the right"
        for key in sorted(set(a) & set(b), key=repr):
            for column in sorted(set(a[key]) | set(b[key])):
                va, vb = a[key].get(column), b[key].get(column)
                if va != vb or type(va) is not type(vb):
                    yield f"{table} {key!r} {column}: {va!r:.80} != {vb!r:.80}"


def assert_same_library(left: Path, right: Path) -> None:
    found = list(differences(snapshot(left), snapshot(right)))
    assert not found, f"{len(found)} differences, first ones:\n" + "\n".join(found[:20])
