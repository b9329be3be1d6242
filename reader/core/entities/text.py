"""What every rule of the document pass asks of the text: a span's words, its line, a sentence.

The rule modules (`edges`, `relabel`, `splits`, `labels`, `evidence`, `missed`, `linking`) share
these; none of them imports another rule module's helpers for a question asked here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .casing import is_headline

Span = tuple[int, int, str]

# Is-this-a-headline needs only a short line; longer lines are never looked at whole.
HEADLINE_CHARS = 160

WORD = re.compile(r"\S+")
POSSESSIVE = re.compile(r"(?<=\w)['’]s?\Z")
ACRONYM = re.compile(r"[A-Z]{2,6}")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*\Z")


@dataclass(frozen=True, slots=True)
class LinkedSpan:
    """A cleaned span with the name of the entity it refers to."""

    start: int
    end: int
    label: str
    name: str


def words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each whitespace-separated word of text[start:end]."""
    return [(m.start() + start, m.end() + start) for m in WORD.finditer(text[start:end])]


def is_title(word: str) -> bool:
    """A job or personal title ("President", "Vice-Chair", "Dr."), never part of a name."""
    lowered = word.lower().rstrip(".").replace("’", "'")
    parts = [p for p in re.split(r"[-/]", lowered) if p]
    return bool(parts) and all(p in lexicon.TITLES for p in parts)


def strip_name(name: str) -> str:
    """A name as a pattern caught it, without its possessive or a trailing dot or dash."""
    return POSSESSIVE.sub("", name).rstrip(".-")


@lru_cache(maxsize=4)
def _newlines(text: str) -> list[int]:
    # Found once per text, so finding a span's line costs a bisection, not a scan of the line.
    return [m.start() for m in re.finditer("\n", text)]


def line_bounds(text: str, position: int) -> tuple[int, int]:
    """Where the line holding `position` starts and ends (end exclusive, before its newline)."""
    newlines = _newlines(text)
    index = bisect_right(newlines, position - 1)
    start = newlines[index - 1] + 1 if index else 0
    end = newlines[index] if index < len(newlines) else len(text)
    return start, end


def sentence_initial(text: str, start: int) -> bool:
    """Whether `start` opens a sentence or a line."""
    before = text[max(0, start - 3) : start]
    if _SENTENCE_END.search(before):
        return True
    line_start = line_bounds(text, start)[0]
    near = text[max(line_start, start - 64) : start]
    if near.strip():
        return False
    return not text[line_start:start].strip()


def on_headline(text: str, position: int) -> bool:
    """Whether `position` stands on a Title Case headline line."""
    line_start, line_end = line_bounds(text, position)
    # A line far longer than any headline is none, whatever its margins hold.
    return line_end - line_start <= 4 * HEADLINE_CHARS and is_headline(text[line_start:line_end])


def lower_words(text: str) -> set[str]:
    """Every word the text writes in lower case."""
    return set(re.findall(r"(?<![\w'’-])[a-z][a-z'’-]*", text))
