"""The library's entities, one per real thing: what `entity list` and `entity show` print.

Reads the store through a connection the `Library` lends and groups with `grouping`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.store import entity_groups as stored

from .grouping import Group, Known, Pair, group
from .linking import normalise


@dataclass(frozen=True, slots=True)
class LibraryEntity:
    """One entity of the library: its name, OntoNotes label, other spellings, and how many
    articles (outside the trash) mention it how many times."""

    name: str
    label: str
    aliases: tuple[str, ...]
    articles: int
    mentions: int
    keys: tuple[str, ...]
    ids: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.label,
            "aliases": list(self.aliases),
            "articles": self.articles,
            "mentions": self.mentions,
        }


def library_groups(conn: sqlite3.Connection, extra_pairs: Iterable[Pair] = ()) -> list[Group]:
    known = [
        Known(
            int(row["id"]),
            str(row["key"]),
            str(row["label"]),
            str(row["name"]),
            int(row["article_count"]),
            stored.aliases_of(row),
        )
        for row in stored.in_use(conn)
    ]
    return group(known, extra_pairs)


def library_entities(
    conn: sqlite3.Connection, label: str | None = None, extra_pairs: Iterable[Pair] = ()
) -> list[LibraryEntity]:
    """Every entity of the library (of one label, if given), most articles first."""
    totals = stored.mention_totals(conn)
    found = [
        _entity(conn, each, totals)
        for each in library_groups(conn, extra_pairs)
        if label is None or each.label == label
    ]
    found.sort(key=lambda e: (-e.articles, -e.mentions, e.name.lower()))
    return found


def find(
    conn: sqlite3.Connection, name: str, label: str = "", extra_pairs: Iterable[Pair] = ()
) -> tuple[LibraryEntity, dict[int, int]] | None:
    """The entity called `name` (or spelt so by one of its members, of `label` if given) and
    its articles with their mention counts; the one most articles mention when several match."""
    wanted = normalise(name)
    matches = [
        each
        for each in library_groups(conn, extra_pairs)
        if (not label and normalise(each.name) == wanted)
        or any(
            (not label or m.label == label)
            and wanted in (m.normalised, *(normalise(a) for a in m.aliases))
            for m in each.members
        )
    ]
    if not matches:
        return None
    best = max(matches, key=lambda g: sum(m.articles for m in g.members))
    articles = stored.article_ids(conn, [m.id for m in best.members])
    totals = {m.id: 0 for m in best.members}
    entity = LibraryEntity(
        name=best.name,
        label=best.label,
        aliases=tuple(best.aliases),
        articles=len(articles),
        mentions=sum(articles.values()),
        keys=tuple(m.key for m in best.members),
        ids=tuple(totals),
    )
    return entity, articles


def _entity(conn: sqlite3.Connection, each: Group, totals: dict[int, int]) -> LibraryEntity:
    ids = tuple(m.id for m in each.members)
    # An article may mention two spellings of one entity: it counts once.
    articles = each.members[0].articles if len(ids) == 1 else len(stored.article_ids(conn, ids))
    return LibraryEntity(
        name=each.name,
        label=each.label,
        aliases=tuple(each.aliases),
        articles=articles,
        mentions=sum(totals.get(i, 0) for i in ids),
        keys=tuple(m.key for m in each.members),
        ids=ids,
    )
