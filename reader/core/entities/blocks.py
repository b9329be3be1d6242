"""What an article's blocks say before any word is read: code is no prose, and a heading or a
link's text is capitalised by its place, not because it is a name.

Code blocks are never given to the model; inline code is, for the sentence around it, but no
entity comes out of it. A lone word that is the whole of a heading or of a link ("Managing",
"Reuse") is a name only when the article also writes it with a capital in running prose.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from reader.core.models import Article, BlockKind

from . import lexicon
from .casing import body_names
from .text import Span

Range = tuple[int, int]


def code_ranges(article: Article, starts: Sequence[int]) -> list[Range]:
    """The article-text ranges of inline code."""
    return [
        (starts[i] + inline.start, starts[i] + inline.end)
        for i, block in enumerate(article.blocks)
        for inline in block.inlines
        if inline.kind == "code"
    ]


def label_ranges(article: Article, starts: Sequence[int]) -> list[Range]:
    """The article-text ranges of headings and of link texts."""
    ranges: list[Range] = []
    for i, block in enumerate(article.blocks):
        if block.kind == BlockKind.HEADING:
            ranges.append((starts[i], starts[i] + len(block.text)))
        ranges.extend(
            (starts[i] + inline.start, starts[i] + inline.end)
            for inline in block.inlines
            if inline.kind == "link"
        )
    return ranges


def prose_names(article: Article, indexes: Sequence[int]) -> frozenset[str]:
    """What the article writes with a capital in running prose: outside headings and links."""
    texts: list[str] = []
    for i in indexes:
        block = article.blocks[i]
        if block.kind == BlockKind.HEADING:
            continue
        text = block.text
        for inline in block.inlines:
            if inline.kind == "link":
                text = text[: inline.start] + " " * (inline.end - inline.start) + text[inline.end :]
        texts.append(text)
    return body_names(texts)


class Ranges:
    """A union of text ranges, asked whether a span lies inside it or touches it."""

    def __init__(self, ranges: Sequence[Range]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(r for r in ranges if r[0] < r[1]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [r[0] for r in merged]
        self._ends = [r[1] for r in merged]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def holds(self, start: int, end: int) -> bool:
        index = bisect_right(self._starts, start) - 1
        return index >= 0 and end <= self._ends[index]

    def touches(self, start: int, end: int) -> bool:
        index = bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end


def _known(word: str) -> bool:
    return (
        word in lexicon.places()
        or word in lexicon.demonyms()
        or word in lexicon.PRODUCTS
        or (len(word) > 1 and word.isupper())
    )


def without_layout_words(
    text: str, spans: Sequence[Span], article: Article, indexes: Sequence[int]
) -> list[Span]:
    """`spans` without those touching inline code, and without lone heading or link words that
    running prose never writes with a capital."""
    starts = article.block_starts()
    code = Ranges(code_ranges(article, starts))
    labelled = Ranges(label_ranges(article, starts))
    if not code and not labelled:
        return list(spans)
    names = prose_names(article, indexes) if labelled else frozenset()
    return [
        span
        for span in spans
        if not code.touches(span[0], span[1])
        and not (labelled and _layout_word(text, span, labelled, names))
    ]


def _layout_word(text: str, span: Span, labelled: Ranges, names: frozenset[str]) -> bool:
    word = text[span[0] : span[1]].strip()
    return (
        span[2] in lexicon.NAME_LABELS
        and " " not in word
        and labelled.holds(span[0], span[1])
        and word not in names
        and not _known(word)
    )
