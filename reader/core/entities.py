"""Entity recognition: the tagger protocol, the spaCy tagger and `recognise(article)`.

The model tags each block on its own (a span never crosses a block boundary); the document-level
pass in `reader.core.ner.document` then cleans the spans and makes them agree across the article.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.core.models import Article, Block, BlockKind, Entity, Mention
from reader.core.ner.casing import body_names, for_tagging
from reader.core.ner.document import LinkedSpan, document_pass, normalise
from reader.core.ner.spacy_tagger import (
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


class Tagger(Protocol):
    """Anything that finds entity spans: one list of (start, end, label) per text."""

    def tag(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]: ...


@dataclass(frozen=True, slots=True)
class EntityResult:
    """The mentions of one article, in text order, and the entities they refer to."""

    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()


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


def recognise(article: Article, tagger: Tagger | None = None) -> EntityResult:
    """Mentions over `article.text` and the article's entities; none for non-English articles."""
    if not supports_language(article.lang) or not article.text.strip():
        return EntityResult()
    starts = article.block_starts()
    indexes = [
        i
        for i, block in enumerate(article.blocks)
        if block.kind not in _SKIPPED_KINDS and block.text.strip()
    ]
    texts = [article.blocks[i].text for i in indexes]
    names = body_names(texts)
    tagged = (tagger or default_tagger()).tag([for_tagging(text, names) for text in texts])
    raw = [
        (starts[i] + start, starts[i] + end, label)
        for i, spans in zip(indexes, tagged, strict=True)
        for start, end, label in spans
    ]
    tagged_ranges = [(starts[i], starts[i] + len(article.blocks[i].text)) for i in indexes]
    spans = [
        span
        for span in document_pass(article.text, raw)
        if any(start <= span.start and span.end <= end for start, end in tagged_ranges)
    ]
    return _result(spans, article.text)


def _result(spans: Sequence[LinkedSpan], text: str) -> EntityResult:
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
    return EntityResult(tuple(mentions), entities)


def plain_article(text: str) -> Article:
    """`text` as given, one block per line, so mention offsets point into it unchanged."""
    blocks = tuple(Block(BlockKind.PARAGRAPH, line) for line in text.split("\n"))
    return Article(title="", blocks=blocks)
