"""Linking: the name of the entity each span refers to, within one article.

A person's short form points to the full name mentioned most recently ("Putin" -> "Vladimir
Putin"); an acronym points to the one longer name of its label it abbreviates.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from .text import POSSESSIVE, LinkedSpan, Span

_ACRONYM_SKIP = frozenset({"of", "and", "for", "the", "on", "in", "&"})


def normalise(name: str) -> str:
    """The comparable form of a name: case-folded, straight quotes, no possessive, no dots."""
    name = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'")
    name = POSSESSIVE.sub("", name.strip())
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?\.?", name):
        name = name.replace(".", "")
    name = re.sub(r"\s+", " ", name).casefold()
    return name.removeprefix("the ")


def initials(name: str) -> str:
    """ "European Central Bank" -> "ECB"."""
    return "".join(w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[0].isupper())


def link(text: str, spans: Sequence[Span], person_tails: dict[str, list[str]]) -> list[LinkedSpan]:
    """Every span with the name of the entity it refers to."""
    longest_by_label: dict[str, list[str]] = defaultdict(list)
    for start, end, label in spans:
        surface = text[start:end]
        if " " in surface and surface not in longest_by_label[label]:
            longest_by_label[label].append(surface)
    last_seen: dict[str, int] = {}
    linked: list[LinkedSpan] = []
    for start, end, label in spans:
        surface = text[start:end]
        name = surface
        if label == "PERSON":
            name = _full_name(surface, person_tails, last_seen)
            last_seen[surface] = start
        elif surface.isupper() and 2 <= len(surface.replace(".", "")) <= 6:
            bare = surface.replace(".", "")
            expansions = [n for n in longest_by_label[label] if initials(n) == bare]
            if len(expansions) == 1:
                name = expansions[0]
        linked.append(LinkedSpan(start, end, label, name))
    return linked


def _full_name(surface: str, person_tails: dict[str, list[str]], last_seen: dict[str, int]) -> str:
    name = surface
    candidates = person_tails.get(surface, [])
    if candidates:
        # The full name mentioned most recently, else the first one.
        name = max(candidates, key=lambda c: (last_seen.get(c, -1), -candidates.index(c)))
    longer = [c for c in person_tails.get(name, []) if len(c) > len(name)]
    if longer:
        name = max(longer, key=len)
    return name
