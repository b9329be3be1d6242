"""Spans cut in two or joined: a line break, a spaced dash or a list ends a span; a range of
dates is one.

`SPLIT_RULES` are tried in order on each span; the first that splits it gives its parts. A span
no rule splits is cut at its spaced dashes only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from . import lexicon
from .text import ACRONYM, Span

_SPACED_DASH = re.compile(r" [—–-] ")
_PLACE_LIST = re.compile(
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)?, "
    r"(?!(?:Inc|Ltd|LLC|Jr|Sr|Co|Corp|Plc|PLC)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)?"
)
_SCORE = re.compile(r"(\d{1,3}) to (\d{1,3})")
_CLAUSE_AFTER_DATE = re.compile(r", (?=[a-z])")
_TWO_ORGS = re.compile(r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*) and ([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*)")
PERIOD_TO_MONTH = re.compile(
    r"((?:the )?\w+ (?:months|years|weeks|quarters)) to ((?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)(?: \d{4})?)"
)
_OF_OR_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|across|to|from|of) \Z")

Count = Callable[[str], int]
SplitRule = Callable[[str, int, int, str, Count], "list[Span] | None"]


def split_lines(text: str, spans: Iterable[Span]) -> Iterable[Span]:
    """Each span cut at the line breaks inside it."""
    for start, end, label in spans:
        position = start
        while (newline := text.find("\n", position, end)) != -1:
            yield position, newline, label
            position = newline + 1
        yield position, end, label


def _shortened(text: str, start: int, end: int, label: str) -> int:
    """Where the span really ends: a date at a clause ("late Tuesday, ending months of talks"),
    an institution at a list ("Canadian Armed Forces, Public Safety Minister ...")."""
    if label == "DATE" and (clause := _CLAUSE_AFTER_DATE.search(text, start, end)):
        return clause.start()
    if label == "ORG" and (comma := text.find(", ", start, end)) != -1:
        head = text[start:comma].rsplit(" ", 1)[-1]
        if head in lexicon.ORG_HEADS and text[comma + 2 : end].split(" ", 1)[0] not in (
            lexicon.ORG_HEADS
        ):
            return comma
    return end


def two_firms(text: str, start: int, end: int, label: str, count: Count) -> list[Span] | None:
    """ "Goldman Sachs and ING": two firms, each also named on its own or an acronym."""
    pair = _TWO_ORGS.fullmatch(text, start, end) if label == "ORG" else None
    if pair and any(
        count(part) > count(pair.group()) or ACRONYM.fullmatch(part)
        for part in (pair.group(1), pair.group(2))
    ):
        return [(pair.start(1), pair.end(1), label), (pair.start(2), pair.end(2), label)]
    return None


def period_to_a_month(
    text: str, start: int, end: int, label: str, count: Count
) -> list[Span] | None:
    """ "The 12 months to February": a length of time and the month it ends in."""
    period = PERIOD_TO_MONTH.fullmatch(text, start, end) if label == "DATE" else None
    if period:
        return [(period.start(1), period.end(1), "DATE"), (period.start(2), period.end(2), "DATE")]
    return None


def score(text: str, start: int, end: int, label: str, count: Count) -> list[Span] | None:
    """A vote or a score ("68 to 31") is two numbers, not a date."""
    found = _SCORE.fullmatch(text, start, end) if label == "DATE" else None
    if found:
        return [
            (found.start(1), found.end(1), "CARDINAL"),
            (found.start(2), found.end(2), "CARDINAL"),
        ]
    return None


def place_list(text: str, start: int, end: int, label: str, count: Count) -> list[Span] | None:
    """ "Guildford, Surrey": a town and its county, two places; "Alphabet, Meta" from a list of
    companies keeps its label."""
    if label not in ("GPE", "LOC", "ORG") or not _PLACE_LIST.fullmatch(text, start, end):
        return None
    if label == "ORG" and not _OF_OR_LOCATIVE_BEFORE.search(text, max(0, start - 8), start):
        part_label = "ORG"
    else:
        part_label = "GPE"
    parts: list[Span] = []
    for part in re.finditer(r"[^,]+", text[start:end]):
        part_start = start + part.start() + (len(part.group()) - len(part.group().lstrip()))
        parts.append((part_start, start + part.end(), part_label))
    return parts


SPLIT_RULES: tuple[SplitRule, ...] = (two_firms, period_to_a_month, score, place_list)


def split_at_dashes(text: str, spans: Iterable[Span]) -> Iterable[Span]:
    """A span never runs across a line break or a spaced dash ("AMSTERDAM — Veldhoven ..."),
    and the split rules cut lists, pairs and scores in two."""
    counts: dict[str, int] = {}

    def count(form: str) -> int:
        if form not in counts:
            counts[form] = text.count(form)
        return counts[form]

    for start, line_end, label in split_lines(text, spans):
        end = _shortened(text, start, line_end, label)
        parts = next(
            (p for rule in SPLIT_RULES if (p := rule(text, start, end, label, count)) is not None),
            None,
        )
        if parts is not None:
            yield from parts
            continue
        position = start
        for dash in _SPACED_DASH.finditer(text, start, end):
            yield position, dash.start(), label
            position = dash.end()
        yield position, end, label


def merge_dates(text: str, spans: list[Span]) -> list[Span]:
    """ "2026 to 2030" is one date; "Tuesday" + "evening" one time."""
    merged: list[Span] = []
    for span in spans:
        if merged:
            start, end, label = merged[-1]
            between = text[end : span[0]]
            if (
                label == "DATE"
                and span[2] == "DATE"
                and between in (" to ", "-", "–", " – ")
                and not PERIOD_TO_MONTH.fullmatch(text, start, span[1])
            ):
                merged[-1] = (start, span[1], "DATE")
                continue
            if label == "DATE" and span[2] == "TIME" and between == " ":
                merged[-1] = (start, span[1], "TIME")
                continue
        merged.append(span)
    return merged
