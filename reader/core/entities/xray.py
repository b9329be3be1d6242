"""The X-Ray of one library entity: what it is, where each article mentions it, what it
appears with, and when.

Built from the `Library`'s public reads: the entity's group (`catalog.find`), each article's
text and mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from reader.core.library import Library

from .catalog import LibraryEntity, find, library_groups

SNIPPET_CHARS = 160
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]?")


@dataclass(frozen=True, slots=True)
class Appearance:
    """One article that mentions the entity: where (offsets into its text) and a snippet."""

    article_id: int
    title: str
    published: str | None
    added_at: str
    offsets: tuple[tuple[int, int], ...]
    length: int
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "title": self.title,
            "published": self.published,
            "saved": self.added_at,
            "mentions": len(self.offsets),
            # Where in the text, as fractions of its length: the strip of the article.
            "where": [round(start / max(1, self.length), 3) for start, _ in self.offsets],
            "snippet": self.snippet,
        }


@dataclass(frozen=True, slots=True)
class XRay:
    entity: LibraryEntity
    description: str
    appearances: tuple[Appearance, ...]
    appears_with: tuple[tuple[str, str, int], ...]  # (name, label, shared articles)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.entity.to_json(),
            "description": self.description,
            "articles_list": [a.to_json() for a in self.appearances],
            "appears_with": [
                {"name": name, "type": label, "articles": count}
                for name, label, count in self.appears_with
            ],
            "timeline": timeline(self.appearances),
        }


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], cut to SNIPPET_CHARS around it."""
    stop = text.rfind(". ", 0, start)
    left = max(stop + 2 if stop != -1 else 0, text.rfind("\n", 0, start) + 1)
    match = _SENTENCE.match(text, end)
    right = match.end() if match else end
    sentence = " ".join(text[left:right].split())
    if len(sentence) <= SNIPPET_CHARS:
        return sentence
    middle = start - left
    begin = max(0, middle - SNIPPET_CHARS // 2)
    return "…" + sentence[begin : begin + SNIPPET_CHARS].strip() + "…"


def timeline(appearances: tuple[Appearance, ...]) -> dict[str, dict[str, int]]:
    """Articles per month, by the date published and by the date saved."""
    published = Counter((a.published or "")[:7] for a in appearances if a.published)
    saved = Counter(a.added_at[:7] for a in appearances if a.added_at)
    return {"published": dict(sorted(published.items())), "saved": dict(sorted(saved.items()))}


def xray(library: Library, name: str, label: str = "", top: int = 8) -> XRay | None:
    """The X-Ray of the entity `name` names, or None when the library has none."""
    found = library.read(find, name, label)
    if found is None:
        return None
    entity, counts = found
    keys = set(entity.keys)
    # The entities it appears with are counted as library entities too ("EU" is the EU).
    group_of = {
        member.key: (each.name, each.label)
        for each in library.read(library_groups)
        for member in each.members
    }
    appearances: list[Appearance] = []
    with_counts: Counter[tuple[str, str]] = Counter()
    for article_id in sorted(counts, key=lambda i: -i):
        saved = library.get(article_id)
        text = saved.article.text
        offsets = tuple(
            (m.start, m.end) for m in library.mentions(article_id) if m.entity_key in keys
        )
        snippet = sentence_at(text, *offsets[0]) if offsets else ""
        appearances.append(
            Appearance(
                article_id,
                saved.article.title,
                saved.article.published,
                saved.added_at,
                offsets,
                len(text),
                snippet,
            )
        )
        others = {
            group_of.get(other.entity.key, (other.entity.name, other.entity.label))
            for other in library.entity_counts(article_id)
            if other.entity.key not in keys and other.entity.label not in _NUMBERS
        }
        with_counts.update(others)
    appearances.sort(key=lambda a: (-len(a.offsets), a.added_at))
    return XRay(
        entity,
        _description(appearances),
        tuple(appearances),
        tuple((n, lab, c) for (n, lab), c in with_counts.most_common(top)),
    )


_NUMBERS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


def _description(appearances: list[Appearance]) -> str:
    """The first sentence in the library that introduces the entity: the earliest saved
    article's first mention."""
    first = min((a for a in appearances if a.offsets), key=lambda a: a.added_at, default=None)
    return first.snippet if first is not None else ""
