"""Highlight selectors and re-anchoring: pure functions over `Article.text`, no storage, no Qt.

A highlight keeps redundant selectors: its position (`start`, `end`), its quote (`exact` with up
to 32 characters of `prefix` and `suffix`) and the hash of the text it was made on. When the text
changes it is placed again by a cascade:

1. position: the text at `start:end` still equals `exact`;
2. quote: `exact` occurs in the text (prefix/suffix, then closeness, break ties between repeats);
3. fuzzy: the best substring within an edit budget, scored by quote distance, then context
   distance, then closeness to the old position;
4. otherwise the highlight becomes an orphan: kept with its quote and note, never dropped.

Fuzzy search never scans the whole text with a dynamic programme per highlight: the quote is cut
into budget + 1 pieces, at least one of which survives any edit within the budget unchanged
(pigeonhole), so exact hits of the pieces (`str.find`, in C) vote for candidate windows; only the
best windows are checked with a bit-parallel edit distance (Myers), which costs a few big-integer
operations per character.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from reader.core.models import Annotation
from reader.core.textsafe import clean_text

CONTEXT_CHARS = 32
COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR = "yellow"
# A quote may lose or gain this share of its characters and still be found (rounded down).
EDIT_BUDGET_RATIO = 0.25
# Pieces that occur more often than this carry no information about where the quote went.
MAX_PIECE_HITS = 64
MAX_FUZZY_WINDOWS = 12
GRAM_CHARS = 3


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def edit_budget(length: int) -> int:
    """How many character edits a quote of `length` characters may undergo and still be found."""
    return int(length * EDIT_BUDGET_RATIO)


def selectors(text: str, start: int, end: int) -> tuple[str, str, str]:
    """`(exact, prefix, suffix)` for the range `start:end` of `text`."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"range {start}:{end} is not inside a text of {len(text)} characters")
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def new_annotation(
    text: str,
    start: int,
    end: int,
    *,
    color: str = DEFAULT_COLOR,
    note: str = "",
    annotation_id: str | None = None,
    created_at: str | None = None,
) -> Annotation:
    """A highlight over `text[start:end]` with all its selectors filled in."""
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}; choose one of {', '.join(COLORS)}")
    exact, prefix, suffix = selectors(text, start, end)
    stamp = created_at or now_iso()
    return Annotation(
        id=annotation_id or new_id(),
        start=start,
        end=end,
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        text_hash=text_hash(text),
        color=color,
        note=note,
        created_at=stamp,
        updated_at=stamp,
    )


def stored_form(annotation: Annotation, text_hash: str, now: str) -> Annotation:
    """`annotation` as the library stores a new one: clean note (and quote, for an orphan whose
    quote came from elsewhere), the text hash it was made on, and both dates."""
    annotation = replace(annotation, note=clean_text(annotation.note), text_hash=text_hash)
    if annotation.orphaned:  # an anchored quote is the article's own (clean) text
        annotation = replace(
            annotation,
            exact=clean_text(annotation.exact),
            prefix=clean_text(annotation.prefix),
            suffix=clean_text(annotation.suffix),
        )
    return replace(
        annotation,
        created_at=annotation.created_at or now,
        updated_at=annotation.updated_at or now,
    )


def find_quote(text: str, quote: str, hint: int = 0) -> tuple[int, int] | None:
    """Where `quote` (typed by a person, or imported without a position) is in `text`."""
    quote = quote.strip()
    if not quote:
        return None
    probe = Annotation(id="", start=hint, end=hint, exact=quote)
    match = locate(probe, text)
    return None if match is None else (match.start, match.end)


# -- the cascade ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """Where a highlight was found: `method` is position, quote or fuzzy."""

    start: int
    end: int
    method: str
    distance: int = 0


def locate(annotation: Annotation, text: str) -> Match | None:
    """Find `annotation` in `text`, or None when it cannot be placed (an orphan)."""
    exact = annotation.exact
    if not exact:
        return None
    start, end = annotation.start, annotation.end
    if (
        0 <= start < end <= len(text)
        and text[start:end] == exact
        and _context_distance(annotation, text, start, end) == 0
    ):
        return Match(start, end, "position")
    # The same words at the old position with a changed context may be a coincidence (a short
    # quote, text shifted by exactly the right amount): rank them with the other occurrences.
    found = _quote_matches(text, exact)
    if found:
        best = min(found, key=lambda s: _rank(annotation, text, s, s + len(exact)))
        return Match(best, best + len(exact), "position" if best == start else "quote")
    return _fuzzy(annotation, text)


def reanchor(
    annotation: Annotation, text: str, *, updated_at: str | None = None, digest: str | None = None
) -> Annotation:
    """`annotation` placed on `text`: moved and re-quoted, or an orphan keeping its old quote.

    `digest` is `text_hash(text)` when the caller has it already."""
    digest = digest or text_hash(text)
    if annotation.text_hash == digest and not annotation.orphaned:
        return annotation
    match = locate(annotation, text)
    if match is None:
        if annotation.orphaned:
            return annotation
        return replace(annotation, orphaned=True, updated_at=updated_at or now_iso())
    exact, prefix, suffix = selectors(text, match.start, match.end)
    moved = replace(
        annotation,
        start=match.start,
        end=match.end,
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        text_hash=digest,
        orphaned=False,
    )
    if moved == annotation:
        return annotation
    return replace(moved, updated_at=updated_at or now_iso())


def reanchor_all(annotations: Iterable[Annotation], text: str) -> list[Annotation]:
    """Every annotation placed on `text`, in the same order; none dropped, none added."""
    stamp = now_iso()
    digest = text_hash(text)
    return [
        reanchor(annotation, text, updated_at=stamp, digest=digest) for annotation in annotations
    ]


def reattach(annotation: Annotation, text: str, start: int, end: int) -> Annotation:
    """Attach an orphan (or move any highlight) by hand to `text[start:end]`."""
    exact, prefix, suffix = selectors(text, start, end)
    return replace(
        annotation,
        start=start,
        end=end,
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        text_hash=text_hash(text),
        orphaned=False,
        updated_at=now_iso(),
    )


def in_text_order(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Placed highlights by position, then the orphans (by creation time)."""
    items = list(annotations)
    placed = sorted((a for a in items if not a.orphaned), key=lambda a: (a.start, a.end, a.id))
    lost = sorted((a for a in items if a.orphaned), key=lambda a: (a.created_at, a.id))
    return placed + lost


def at_offset(annotations: Iterable[Annotation], offset: int) -> list[Annotation]:
    """The placed highlights covering `offset` (innermost first)."""
    hits = [a for a in annotations if not a.orphaned and a.start <= offset < a.end]
    return sorted(hits, key=lambda a: a.end - a.start)


# -- exact quote ----------------------------------------------------------------------------


def _quote_matches(text: str, quote: str) -> list[int]:
    found: list[int] = []
    index = text.find(quote)
    while index != -1:
        found.append(index)
        index = text.find(quote, index + 1)
    return found


def _rank(annotation: Annotation, text: str, start: int, end: int) -> tuple[int, int]:
    """Lower is better: context distance, then distance from the old position."""
    return (_context_distance(annotation, text, start, end), abs(start - annotation.start))


def _context_distance(annotation: Annotation, text: str, start: int, end: int) -> int:
    prefix, suffix = annotation.prefix, annotation.suffix
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    return levenshtein(prefix, before) + levenshtein(suffix, after)


# -- fuzzy ----------------------------------------------------------------------------------


def _pieces(exact: str, count: int) -> list[tuple[int, str]]:
    size = len(exact) / count
    bounds = [round(i * size) for i in range(count + 1)]
    return [(bounds[i], exact[bounds[i] : bounds[i + 1]]) for i in range(count)]


@functools.lru_cache(maxsize=1)  # one text at a time; a long text makes a big index
def _gram_index(text: str) -> dict[str, list[int]]:
    """Where each run of GRAM_CHARS characters occurs; built once per text, shared by lookups."""
    index: dict[str, list[int]] = {}
    for at in range(len(text) - GRAM_CHARS + 1):
        gram = text[at : at + GRAM_CHARS]
        found = index.get(gram)
        if found is None:
            index[gram] = [at]
        else:
            found.append(at)
    return index


def _piece_hits(text: str, grams: dict[str, list[int]], piece: str) -> list[int] | None:
    """Where `piece` occurs, or None when it is empty or too common to say anything."""
    if len(piece) < GRAM_CHARS:
        if not piece or text.count(piece) > MAX_PIECE_HITS:
            return None
        return [m for m in range(len(text)) if text.startswith(piece, m)]
    # Look up the piece's rarest gram, then check the whole piece around each of its hits.
    shift, positions = min(
        ((o, grams.get(piece[o : o + GRAM_CHARS], [])) for o in range(len(piece) - 2)),
        key=lambda item: len(item[1]),
    )
    hits = [at - shift for at in positions if text.startswith(piece, at - shift)]
    return None if len(hits) > MAX_PIECE_HITS else hits


def _candidate_windows(
    exact: str, text: str, budget: int, hint: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Text ranges `(votes, low, high)` that may hold `exact` within `budget` edits, most
    promising first, and how many pieces were too common to vote."""
    votes: dict[int, int] = {}
    skipped = 0
    grams = _gram_index(text)
    for offset, piece in _pieces(exact, budget + 1):
        hits = _piece_hits(text, grams, piece)
        if hits is None:
            skipped += 1
            continue
        for hit in hits:
            diagonal = hit - offset
            votes[diagonal] = votes.get(diagonal, 0) + 1
    # Diagonals within `budget` of each other belong to the same placement.
    clusters: list[tuple[int, int, int]] = []  # (votes, low diagonal, high diagonal)
    for diagonal in sorted(votes):
        if clusters and diagonal - clusters[-1][2] <= budget:
            count, low, _high = clusters[-1]
            clusters[-1] = (count + votes[diagonal], low, diagonal)
        else:
            clusters.append((votes[diagonal], diagonal, diagonal))
    clusters.sort(key=lambda c: (-c[0], abs(c[1] - hint)))
    windows = [
        (count, max(0, low - budget), min(len(text), high + len(exact) + budget))
        for count, low, high in clusters[:MAX_FUZZY_WINDOWS]
    ]
    return windows, skipped


def _fuzzy(annotation: Annotation, text: str) -> Match | None:
    exact = annotation.exact
    budget = edit_budget(len(exact))
    if budget == 0 or not text:
        return None
    best: tuple[tuple[int, int, int, int], int, int] | None = None
    windows, skipped = _candidate_windows(exact, text, budget, annotation.start)
    for count, low, high in windows:
        # An edit spoils at most one piece, so a placement d edits away keeps at least
        # budget + 1 - d of its pieces: a window with fewer votes can only do worse.
        if best is not None and count + skipped < budget + 1 - best[0][0]:
            break
        window = text[low:high]
        ends = search_distances(exact, window)
        lowest = min(ends)
        if lowest > budget or (best is not None and lowest > best[0][0]):
            continue
        for end_in_window, distance in enumerate(ends):
            if distance != lowest:
                continue
            end = low + end_in_window + 1
            # Distances of exact to text[start:end] for every start, from one pass backwards.
            span_low = max(low, end - len(exact) - budget)
            backwards = prefix_distances(exact[::-1], text[span_low:end][::-1])
            for length, span_distance in enumerate(backwards):
                if span_distance != lowest or length == 0:
                    continue
                start = end - length
                key = (
                    lowest,
                    _context_distance(annotation, text, start, end),
                    abs(length - len(exact)),
                    abs(start - annotation.start),
                )
                if best is None or key < best[0]:
                    best = (key, start, end)
    if best is None:
        return None
    return Match(best[1], best[2], "fuzzy", best[0][0])


# -- edit distances (Myers' bit-parallel algorithm, as explained by Hyyrö) -------------------


def _myers(pattern: str, text: str, anchored: bool) -> list[int]:
    """Edit distance of `pattern` against text pieces ending at each position of `text`.

    Unanchored: against the best substring ending there (approximate search). Anchored: against
    `text[:j + 1]` exactly (the piece starts at 0). Returns one distance per character of
    `text`; an empty pattern matches everywhere with distance 0 (or j + 1 when anchored).
    """
    m = len(pattern)
    if m == 0:
        return [j + 1 if anchored else 0 for j in range(len(text))]
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    carry = 1 if anchored else 0
    out: list[int] = []
    append = out.append
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | carry) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        append(score)
    return out


def search_distances(pattern: str, text: str) -> list[int]:
    """For each end position j, the least edit distance of `pattern` to a substring ending at j."""
    return _myers(pattern, text, anchored=False)


def prefix_distances(pattern: str, text: str) -> list[int]:
    """Element j is the edit distance of `pattern` to `text[:j]` (so j runs 0..len(text))."""
    return [len(pattern), *_myers(pattern, text, anchored=True)]


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two strings."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    return prefix_distances(a, b)[-1]


def nearest(annotations: Sequence[Annotation], offset: int) -> Annotation | None:
    """The placed highlight closest to `offset`, used to keep a panel selection in view."""
    placed = [a for a in annotations if not a.orphaned]
    if not placed:
        return None
    return min(placed, key=lambda a: 0 if a.start <= offset < a.end else abs(a.start - offset))


# -- the store's hook ----------------------------------------------------------------------


def library_reanchor(
    old_text: str, new_text: str, annotations: Sequence[Annotation]
) -> list[Annotation]:
    """The `Library(reanchor=...)` hook: place an article's highlights on its new text."""
    del old_text  # the quote and context selectors carry what is needed
    return reanchor_all(annotations, new_text)
