"""Entity recognition: the tagger protocol, the spaCy tagger and `recognise(article)`.

The model tags each block on its own (a span never crosses a block boundary); the document-level
pass in `document` then cleans the spans and makes them agree across the article.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.core.models import Article, Block, BlockKind, Entity, Mention

from .blocks import Ranges, code_ranges, without_layout_words
from .casing import body_names, for_tagging
from .document import LinkedSpan, document_pass, normalise
from .spacy_tagger import (
    ModelError,
    ModelIntegrityError,
    ModelMissingError,
    SpacyTagger,
    find_model_dir,
    verify_model,
)

__all__ = [
    "EntityResult",
    "ModelError",
    "ModelIntegrityError",
    "ModelMissingError",
    "SpacyTagger",
    "Tagger",
    "default_tagger",
    "entity_key",
    "find_model_dir",
    "plain_article",
    "recognise",
    "supports_language",
    "verify_model",
]

# Block kinds whose text is prose worth tagging.
_SKIPPED_KINDS = frozenset({BlockKind.CODE, BlockKind.IMAGE})

# The time one article may spend on entities (the model and the document pass). What is past it
# keeps no entities and the result says so: a page of a million words saves in seconds, and the
# window's idle recogniser never holds a core for minutes.
ENTITY_BUDGET_S = 6.0
# The model is given text in pieces of about this size, so the budget is checked often and no
# paragraph reaches the model's own length limit.
TAG_BATCH_CHARS = 20_000


class Tagger(Protocol):
    """Anything that finds entity spans: one list of (start, end, label) per text."""

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]: ...


@dataclass(frozen=True, slots=True)
class EntityResult:
    """The mentions of one article, in text order, and the entities they refer to."""

    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    # Empty when the whole article was looked at; otherwise says what was left out and why.
    note: str = ""


_default_tagger: SpacyTagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> SpacyTagger:
    """The process-wide spaCy tagger (created on first call; the model loads on first use)."""
    global _default_tagger
    with _default_lock:
        if _default_tagger is None:
            _default_tagger = SpacyTagger()
        return _default_tagger


def supports_language(lang: str | None) -> bool:
    """Entities are English-only for now; an unknown language is taken as English."""
    return not lang or lang.lower().split("-")[0] == "en"


def entity_key(label: str, name: str) -> str:
    """Normalised name plus label, the same in every article: "person:vladimir putin"."""
    return f"{label.lower()}:{normalise(name)}"


def recognise(
    article: Article,
    tagger: Tagger | None = None,
    *,
    budget_s: float = ENTITY_BUDGET_S,
    clock: Callable[[], float] = time.monotonic,
) -> EntityResult:
    """Mentions over `article.text` and the article's entities; none for non-English articles.

    Work stops at the end of the piece during which `budget_s` runs out; the mentions then cover
    the text up to there and `note` says so.
    """
    if not supports_language(article.lang) or not article.text.strip():
        return EntityResult()
    tagger = tagger or default_tagger()
    load = getattr(tagger, "load", None)
    if callable(load):
        load()  # loading the model once per process is not the article's time
    deadline = clock() + budget_s
    starts = article.block_starts()
    indexes = [
        i
        for i, block in enumerate(article.blocks)
        if block.kind not in _SKIPPED_KINDS and block.text.strip()
    ]
    pieces = [
        (starts[i] + cell_offset + offset, piece)
        for i in indexes
        for cell_offset, cell in article.blocks[i].cells()
        for offset, piece in _pieces(cell)
    ]
    names = body_names([article.blocks[i].text for i in indexes])
    raw: list[tuple[int, int, str]] = []
    done = 0
    for batch in _batches(pieces):
        tagged = tagger.tag([for_tagging(piece, names) for _, piece in batch])
        raw.extend(
            (begin + start, begin + end, label)
            for (begin, _), spans in zip(batch, tagged, strict=True)
            for start, end, label in spans
        )
        done += len(batch)
        if clock() > deadline and done < len(pieces):
            break
    tagged_ranges = [(begin, begin + len(piece)) for begin, piece in pieces[:done]]
    limit = tagged_ranges[-1][1] if tagged_ranges else 0
    raw = without_layout_words(article.text, raw, article, indexes)
    # The document pass reads only as far as the model did, so its cost is bounded too.
    spans = _within(document_pass(article.text[:limit], raw), tagged_ranges)
    code = Ranges(code_ranges(article, starts))
    if code:  # a name found in the prose is not found again inside code
        spans = [span for span in spans if not code.touches(span.start, span.end)]
    note = ""
    if done < len(pieces):
        words = len(article.text[:limit].split())
        note = (
            f"Entities were found in the first {words:,} of {article.word_count:,} words only: "
            f"the rest would have taken longer than {budget_s:g} s."
        )
    return _result(spans, article.text, note)


def _pieces(text: str) -> list[tuple[int, str]]:
    """`text` cut into pieces of at most TAG_BATCH_CHARS, at a sentence end or a space when
    there is one, with each piece's offset."""
    if len(text) <= TAG_BATCH_CHARS:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    position = 0
    while position < len(text):
        end = min(len(text), position + TAG_BATCH_CHARS)
        if end < len(text):
            window = text[position:end]
            cut = max(window.rfind(". "), window.rfind("\n"))
            if cut < TAG_BATCH_CHARS // 2:
                cut = window.rfind(" ")
            if cut > 0:
                end = position + cut + 1
        pieces.append((position, text[position:end]))
        position = end
    return pieces


def _batches(pieces: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    batches: list[list[tuple[int, str]]] = []
    size = 0
    for piece in pieces:
        if not batches or size + len(piece[1]) > TAG_BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(piece)
        size += len(piece[1])
    return batches


def _within(spans: Sequence[LinkedSpan], ranges: Sequence[tuple[int, int]]) -> list[LinkedSpan]:
    """The spans that lie inside one of the sorted, disjoint `ranges` (the tagged text)."""
    kept: list[LinkedSpan] = []
    index = 0
    for span in sorted(spans, key=lambda s: s.start):
        while index < len(ranges) and ranges[index][1] < span.end:
            index += 1
        if index < len(ranges) and ranges[index][0] <= span.start:
            kept.append(span)
    return kept


def _result(spans: Sequence[LinkedSpan], text: str, note: str = "") -> EntityResult:
    mentions: list[Mention] = []
    surfaces: dict[str, dict[str, None]] = defaultdict(dict)
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for span in spans:
        key = entity_key(span.label, span.name)
        mentions.append(Mention(span.start, span.end, span.label, key))
        surfaces[key][text[span.start : span.end]] = None
        names.setdefault(key, span.name)
        labels[key] = span.label
    entities = tuple(
        Entity(key, labels[key], names[key], tuple(s for s in surfaces[key] if s != names[key]))
        for key in surfaces
    )
    return EntityResult(tuple(mentions), entities, note)


def plain_article(text: str) -> Article:
    """`text` as given, one block per line, so mention offsets point into it unchanged."""
    blocks = tuple(Block(BlockKind.PARAGRAPH, line) for line in text.split("\n"))
    return Article(title="", blocks=blocks)
