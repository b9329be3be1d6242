"""The `entity_rules` table: the person's entity decisions, applied at every write of an
article's entities (see `reader.core.entities.curation`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import Entity, Mention
from reader.core.store.db import rows, value

if TYPE_CHECKING:
    from reader.core.entities.curation import Rule

_COLUMNS = "id, action, name, label, value, article_uid"


def _rule(row: sqlite3.Row) -> Rule:
    from reader.core.entities.curation import Rule

    return Rule(
        action=str(row["action"]),
        name=str(row["name"]),
        label=str(row["label"]),
        value=str(row["value"]),
        article_uid=str(row["article_uid"]),
        id=int(row["id"]),
    )


def active(conn: sqlite3.Connection) -> list[Rule]:
    """The rules in force, oldest first."""
    found = rows(conn, f"SELECT {_COLUMNS} FROM entity_rules WHERE undone_at = '' ORDER BY id")
    return [_rule(row) for row in found]


def every(conn: sqlite3.Connection) -> list[dict[str, str]]:
    """Every rule in force as plain values, for the library export."""
    found = rows(
        conn,
        "SELECT action, name, label, value, article_uid, created_at FROM entity_rules "
        "WHERE undone_at = '' ORDER BY id",
    )
    names = ("action", "name", "label", "value", "article_uid", "created_at")
    return [{key: str(row[key]) for key in names} for row in found]


def add(conn: sqlite3.Connection, rule: Rule, created_at: str) -> int:
    """Store `rule`; call inside a write transaction. The same rule twice is stored once."""
    same = value(
        conn,
        "SELECT id FROM entity_rules WHERE undone_at = '' AND action = ? AND name = ? "
        "AND label = ? AND value = ? AND article_uid = ?",
        [rule.action, rule.name, rule.label, rule.value, rule.article_uid],
    )
    if same is not None:
        return int(same)
    found = conn.execute(
        "INSERT INTO entity_rules(action, name, label, value, article_uid, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [rule.action, rule.name, rule.label, rule.value, rule.article_uid, created_at],
    ).fetchone()
    return int(found[0])


def undo_last(conn: sqlite3.Connection, undone_at: str) -> Rule | None:
    """Undo the newest rule in force; returns it, or None when there is none."""
    found = rows(
        conn,
        f"SELECT {_COLUMNS} FROM entity_rules WHERE undone_at = '' ORDER BY id DESC LIMIT 1",
    )
    if not found:
        return None
    conn.execute("UPDATE entity_rules SET undone_at = ? WHERE id = ?", [undone_at, found[0]["id"]])
    return _rule(found[0])


def curate(
    conn: sqlite3.Connection,
    article_id: int,
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
) -> tuple[Sequence[Mention], Sequence[Entity]]:
    """The article's mentions and entities with the labels the library agrees on, then the
    rules in force."""
    if not mentions:
        return mentions, entities
    from reader.core.entities import curation

    names = [e.name for e in entities]
    agreed = curation.agreed_labels(library_labels(conn, article_id, names))
    ruled = value(conn, "SELECT 1 FROM entity_rules WHERE undone_at = '' LIMIT 1") is not None
    if not agreed and not ruled:
        return mentions, entities
    # The text only when something may change: an article can be megabytes long.
    found = rows(conn, "SELECT text, uid FROM articles WHERE id = ?", [article_id])
    text = str(found[0]["text"] or "") if found else ""
    uid = str(found[0]["uid"] or "") if found else ""
    if agreed:
        mentions, entities = curation.with_library_labels(text, mentions, entities, agreed)
    if not ruled:
        return mentions, entities
    return curation.curate(text, mentions, entities, active(conn), uid)


def library_labels(
    conn: sqlite3.Connection, article_id: int, names: Sequence[str]
) -> dict[str, dict[str, int]]:
    """For each of `names` (normalised), how many other articles outside the trash give it
    each name label."""
    from reader.core.entities.lexicon import NAME_LABELS
    from reader.core.entities.linking import normalise

    wanted = {normalise(name) for name in names}
    keys = [f"{label.lower()}:{name}" for name in sorted(wanted) for label in sorted(NAME_LABELS)]
    counts: dict[str, dict[str, int]] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        marks = ", ".join("?" for _ in chunk)
        for row in rows(
            conn,
            "SELECT e.key, e.label, e.article_count - EXISTS (SELECT 1 FROM article_entities ae "
            "WHERE ae.entity_id = e.id AND ae.article_id = ?) AS others FROM entities e "
            f"WHERE e.key IN ({marks}) AND e.article_count > 0",
            [article_id, *chunk],
        ):
            if int(row["others"]) > 0:
                name = str(row["key"]).split(":", 1)[1]
                counts.setdefault(name, {})[str(row["label"])] = int(row["others"])
    return counts


def uid_of(conn: sqlite3.Connection, article_id: int) -> str:
    return str(value(conn, "SELECT uid FROM articles WHERE id = ?", [article_id]) or "")


def recognised_ids(conn: sqlite3.Connection) -> list[int]:
    """The articles whose entities were recognised, to run the rules over again."""
    found = rows(conn, "SELECT id FROM articles WHERE entities_at IS NOT NULL ORDER BY id")
    return [int(row["id"]) for row in found]


def add_all(conn: sqlite3.Connection, plain: Sequence[dict[str, str]]) -> int:
    """Store rules given as plain values (a library import); returns how many were new."""
    from reader.core.entities.curation import ACTIONS, Rule

    before = int(value(conn, "SELECT count(*) FROM entity_rules WHERE undone_at = ''"))
    for item in plain:
        if item.get("action") not in ACTIONS or not item.get("name"):
            continue
        rule = Rule(
            action=item["action"],
            name=item["name"],
            label=item.get("label", ""),
            value=item.get("value", ""),
            article_uid=item.get("article_uid", ""),
        )
        add(conn, rule, item.get("created_at") or "")
    return int(value(conn, "SELECT count(*) FROM entity_rules WHERE undone_at = ''")) - before
