"""Property tests: highlights survive edits to the text, or become orphans — never vanish."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reader.core.anchoring import edit_budget, levenshtein, new_annotation, reanchor_all
from reader.core.models import Annotation


def _vocabulary(size: int = 120, seed: int = 11) -> list[str]:
    """Words at least 4 edits apart, so a quote cannot be confused with another place."""
    rng = random.Random(seed)
    words: list[str] = []
    while len(words) < size:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 9)))
        if all(levenshtein(word, other) >= 4 for other in words):
            words.append(word)
    return words


VOCABULARY = _vocabulary()
# A busy machine must not turn slow example generation into a failure.
RELAXED = [HealthCheck.too_slow, HealthCheck.filter_too_much]
# Text inserted by "edits elsewhere": no letters, so it cannot forge a copy of a quote.
FILLER = st.text(alphabet=" .,;:-0123456789\n", min_size=1, max_size=12)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text of distinct words and the word offsets in it."""
    count = draw(st.integers(min_value=8, max_value=60))
    words = draw(st.permutations(VOCABULARY))[:count]
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", ", ", ". ", "\n"]), min_size=count))
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for index, word in enumerate(words):
        if index:
            parts.append(seps[index])
            offset += len(seps[index])
        spans.append((offset, offset + len(word)))
        parts.append(word)
        offset += len(word)
    return "".join(parts), spans


@st.composite
def highlighted(draw: st.DrawFn) -> tuple[str, Annotation]:
    text, spans = draw(articles())
    first = draw(st.integers(min_value=0, max_value=len(spans) - 1))
    last = draw(st.integers(min_value=first, max_value=min(len(spans) - 1, first + 4)))
    note = draw(st.text(max_size=20))
    return text, new_annotation(text, spans[first][0], spans[last][1], note=note)


def _edit_outside(draw: st.DrawFn, text: str, start: int, end: int) -> tuple[str, int]:
    """Apply random edits outside `start:end`; returns the new text and the highlight's shift."""
    shift = 0
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        length = len(text)
        before = draw(st.booleans()) and start > 0
        if not before and end >= length and start == 0:
            before = False
        low, high = (0, start) if before else (end, length)
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        at = draw(st.integers(min_value=low, max_value=high))
        if kind == "insert" or at == high:
            piece = draw(FILLER)
            text = text[:at] + piece + text[at:]
            delta = len(piece)
        else:
            size = draw(st.integers(min_value=1, max_value=min(6, high - at)))
            piece = draw(FILLER) if kind == "replace" else ""
            text = text[:at] + piece + text[at + size :]
            delta = len(piece) - size
        if before:
            start, end, shift = start + delta, end + delta, shift + delta
    return text, shift


@settings(max_examples=100, deadline=None, suppress_health_check=RELAXED)
@given(st.data(), highlighted())
def test_edits_elsewhere_keep_the_same_words(data: st.DataObject, case) -> None:
    text, annotation = case
    new_text, shift = _edit_outside(data.draw, text, annotation.start, annotation.end)
    (moved,) = reanchor_all([annotation], new_text)
    assert not moved.orphaned
    assert (moved.start, moved.end) == (annotation.start + shift, annotation.end + shift)
    assert new_text[moved.start : moved.end] == annotation.exact == moved.exact
    assert moved.note == annotation.note and moved.id == annotation.id


def _edit_inside(draw: st.DrawFn, quote: str, count: int) -> str:
    """`count` single-letter edits strictly inside the quote (its ends stay its own)."""
    for _ in range(count):
        kind = draw(st.sampled_from(["sub", "ins", "del"] if len(quote) > 2 else ["sub", "ins"]))
        letter = draw(st.sampled_from(LETTERS))
        if kind == "sub":
            at = draw(st.integers(min_value=0, max_value=len(quote) - 1))
            quote = quote[:at] + letter + quote[at + 1 :]
        elif kind == "ins":
            at = draw(st.integers(min_value=1, max_value=len(quote) - 1))
            quote = quote[:at] + letter + quote[at:]
        else:
            at = draw(st.integers(min_value=0, max_value=len(quote) - 1))
            quote = quote[:at] + quote[at + 1 :]
    return quote


@settings(max_examples=100, deadline=None, suppress_health_check=RELAXED)
@given(st.data(), highlighted())
def test_edits_inside_within_budget_follow_the_edited_words(data: st.DataObject, case) -> None:
    text, annotation = case
    budget = edit_budget(len(annotation.exact))
    count = data.draw(st.integers(min_value=1, max_value=max(1, budget)))
    assume(budget >= 1)
    edited = _edit_inside(data.draw, annotation.exact, count)
    new_text = text[: annotation.start] + edited + text[annotation.end :]
    (moved,) = reanchor_all([annotation], new_text)
    assert not moved.orphaned
    # The highlight covers the edited words: its ends moved at most by the number of edits ...
    assert abs(moved.start - annotation.start) <= count
    assert abs(moved.end - (annotation.start + len(edited))) <= count
    # ... and what it covers is at least as close to the old quote as the edited words are.
    assert moved.exact == new_text[moved.start : moved.end]
    assert levenshtein(moved.exact, annotation.exact) <= levenshtein(edited, annotation.exact)
    assert moved.note == annotation.note


def _closest_distance(pattern: str, text: str) -> int:
    """Least edit distance of `pattern` to any substring of `text` (plain dynamic programme)."""
    previous = [0] * (len(text) + 1)
    for i, a in enumerate(pattern, 1):
        current = [i]
        for j, b in enumerate(text, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return min(previous)


@settings(max_examples=60, deadline=None, suppress_health_check=RELAXED)
@given(st.data(), highlighted())
def test_edits_beyond_the_budget_make_an_orphan_that_keeps_quote_and_note(
    data: st.DataObject, case
) -> None:
    text, annotation = case
    replacement = data.draw(st.text(alphabet="0123456789 ", max_size=len(annotation.exact) + 3))
    new_text = text[: annotation.start] + replacement + text[annotation.end :]
    assume(_closest_distance(annotation.exact, new_text) > edit_budget(len(annotation.exact)))
    (moved,) = reanchor_all([annotation], new_text)
    assert moved.orphaned
    assert (moved.id, moved.exact, moved.note) == (annotation.id, annotation.exact, annotation.note)


@settings(max_examples=60, deadline=None, suppress_health_check=RELAXED)
@given(st.data(), articles())
def test_many_highlights_are_never_lost_or_duplicated(data: st.DataObject, article) -> None:
    text, spans = article
    picks = data.draw(st.lists(st.integers(0, len(spans) - 1), min_size=1, max_size=10))
    annotations = [new_annotation(text, spans[i][0], spans[i][1], note=f"n{i}") for i in picks]
    # Random edits anywhere, inside highlights included.
    for _ in range(data.draw(st.integers(min_value=1, max_value=12))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        size = data.draw(st.integers(min_value=0, max_value=10))
        piece = data.draw(st.text(alphabet=LETTERS + " \n", max_size=10))
        text = text[:at] + piece + text[at + size :]
    moved = reanchor_all(annotations, text)
    assert [a.id for a in moved] == [a.id for a in annotations]
    assert [a.note for a in moved] == [a.note for a in annotations]
    for old, new in zip(annotations, moved, strict=True):
        if new.orphaned:
            assert new.exact == old.exact
        else:
            assert text[new.start : new.end] == new.exact
            assert levenshtein(new.exact, old.exact) <= edit_budget(len(old.exact))
