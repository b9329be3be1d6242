"""The library's entities, one per real thing: what `entity list` and `entity show` print.

Reads the store through a connection the `Library` lends and groups with `grouping`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.store import entity_groups as stored

from . import lexicon
from .grouping import Group, Known, Pair, group, search_keys, surname
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


def _known(found: Iterable[sqlite3.Row]) -> list[Known]:
    return [
        Known(
            int(row["id"]),
            str(row["key"]),
            str(row["label"]),
            str(row["name"]),
            int(row["article_count"]),
            stored.aliases_of(row),
        )
        for row in found
    ]


def library_groups(conn: sqlite3.Connection, extra_pairs: Iterable[Pair] = ()) -> list[Group]:
    """Every entity of the library in its group."""
    return group(_known(stored.in_use(conn)), extra_pairs)


def _neighbourhood(conn: sqlite3.Connection, name: str) -> list[Known]:
    """The entities a group holding `name` can be made of: its spellings and aliases under
    every label, and for a person the full names and the surname that may link to it (twice
    over, so a full name's own spellings come along)."""
    found: dict[int, Known] = {}
    names = [name]
    for _ in range(2):
        keys = sorted({k for each in names for k in search_keys(lexicon.NAME_LABELS, each)})
        endings = sorted({surname(each) for each in names})
        for entity in _known(stored.related(conn, keys, endings)):
            found[entity.id] = entity
        names = [e.name for e in found.values() if e.label == "PERSON" and " " in e.normalised]
    return list(found.values())


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
    nearby = _neighbourhood(conn, name) if not extra_pairs else []
    groups = group(nearby) if nearby else library_groups(conn, extra_pairs)
    matches = _matching(groups, wanted, label)
    if not matches and nearby:  # spelt only as an alias: look through the whole library
        matches = _matching(library_groups(conn, extra_pairs), wanted, label)
    if not matches:
        return None
    best = max(matches, key=lambda g: sum(m.articles for m in g.members))
    articles = stored.article_ids(conn, [m.id for m in best.members])
    entity = LibraryEntity(
        name=best.name,
        label=best.label,
        aliases=tuple(best.aliases),
        articles=len(articles),
        mentions=sum(articles.values()),
        keys=tuple(m.key for m in best.members),
        ids=tuple(m.id for m in best.members),
    )
    return entity, articles


def _matching(groups: list[Group], wanted: str, label: str) -> list[Group]:
    return [
        each
        for each in groups
        if (not label and normalise(each.name) == wanted)
        or any(
            (not label or m.label == label)
            and wanted in (m.normalised, *(normalise(a) for a in m.aliases))
            for m in each.members
        )
    ]


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
