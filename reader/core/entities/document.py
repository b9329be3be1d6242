"""The document-level pass: clean the model's spans and make them agree across one article.

The model tags each block on its own and hesitates: the same name gets two labels in two
paragraphs, a surname is found once and missed once, a title or a determiner is swept into a span.
Here the whole article is the evidence: span edges follow the reading conventions (no determiner,
no job title, no possessive, currency symbols inside money), every surface form gets one label,
names found once are found everywhere, and short forms of a person's name link to the full name.

This module is only the order of the phases; each phase lives in its own rule module.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import lexicon
from .edges import clean_span
from .evidence import CLUB_WEIGHT, CONTEXT_WEIGHT, club_votes, context_votes
from .labels import person_tails, vote
from .linking import link, normalise
from .missed import add_missed, drop_common_words, missed_amounts, with_platforms
from .splits import merge_dates, split_at_dashes
from .text import LinkedSpan, Span

__all__ = ["MAX_SPAN_CHARS", "LinkedSpan", "Span", "document_pass", "normalise"]

# No name, date or amount is this long; a longer span is a run of capitals the model swept up,
# and dropping it keeps the work per span bounded.
MAX_SPAN_CHARS = 200


def document_pass(text: str, raw_spans: Iterable[Span]) -> list[LinkedSpan]:
    """Cleaned, consistent and linked spans over `text` from the model's raw spans."""
    bounded = (span for span in raw_spans if span[1] - span[0] <= MAX_SPAN_CHARS)
    cleaned = [
        span
        for start, end, label in split_at_dashes(text, bounded)
        for span in clean_span(text, start, end, label)
    ]
    cleaned = with_platforms(text, [*cleaned, *missed_amounts(text, cleaned)])
    spans = drop_common_words(text, merge_dates(text, resolve_overlaps(cleaned)))

    context = [
        span
        for span in context_votes(text, spans, person_tails(spans, text))
        if span[1] - span[0] <= MAX_SPAN_CHARS
    ]
    tails = person_tails([*spans, *(c for c in context if c[2] == "PERSON")], text)
    clubs = club_votes(text, spans, tails)
    labels = vote(text, [(spans, 1), (context, CONTEXT_WEIGHT), (clubs, CLUB_WEIGHT)], tails)

    # One label per name; a date or an amount keeps its own ("in May" beside "Theresa May").
    spans = [
        (s, e, labels.get(text[s:e], label) if label in lexicon.NAME_LABELS else label)
        for s, e, label in spans
    ]
    spans = resolve_overlaps([*spans, *add_missed(text, spans, _addable(labels))])
    return link(text, spans, tails)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Of overlapping spans the one starting first (the longest of those) is kept."""
    result: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
        if result and span[0] < result[-1][1]:
            continue
        result.append(span)
    return result


def _addable(labels: dict[str, str]) -> dict[str, str]:
    """The names worth finding wherever the model missed them."""
    return {
        form: label
        for form, label in labels.items()
        if label in lexicon.NAME_LABELS
        and 1 < len(form) <= MAX_SPAN_CHARS
        and (form.isupper() or form.lower() not in lexicon.COMMON_WORDS)
        and "\n" not in form
    }
