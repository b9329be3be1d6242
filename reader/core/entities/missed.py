"""What the model missed or took wrongly: amounts, platforms, common words, names found once.

A name found once is found everywhere it stands alone; a capitalised common word opening a
sentence is no name; an amount with a currency symbol and a platform after "on" are found
whatever the model made of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from . import lexicon
from .amounts import MONEY, extend_amount, missed_quantities
from .text import Span, is_title, line_bounds, lower_words, on_headline, sentence_initial

_PLATFORM = re.compile(
    r"\b(?:on|via|to) (" + "|".join(sorted(lexicon.PLATFORMS, key=len, reverse=True)) + r")\b"
)
_FIRST_WORD = re.compile(r"\w+")
_WORD_AT_START = re.compile(r"(?<![\w@#$])\w+")
_PREV_WORD = re.compile(r"(\S+)[ \t]+\Z")
_NEXT_WORD = re.compile(r"^[ \t]+(\S+)")


def missed_amounts(text: str, cleaned: list[Span]) -> list[Span]:
    """Amounts written with a currency symbol or a unit of computing that no cleaned span
    starts at."""
    taken = {start for start, _, _ in cleaned}
    found: list[Span] = []
    for match in MONEY.finditer(text):
        if match.start() not in taken:
            if on_headline(text, match.start()):
                found.append((match.start(), match.end(), "MONEY"))  # "Jailed Over £3.4m Fraud"
            else:
                found.append(extend_amount(text, match.start(), match.end(), "MONEY"))
    return found + missed_quantities(text, taken)


def with_platforms(text: str, cleaned: list[Span]) -> list[Span]:
    """ "A post on X": the context settles it, whatever the model made of the name."""
    platforms = [
        (m.start(1), m.end(1), "ORG")
        for m in _PLATFORM.finditer(text)
        if text[m.end(1) : m.end(1) + 1] not in ("-", "’", "'")
    ]
    if not platforms:
        return cleaned
    starts = {start for start, _, _ in platforms}
    return [span for span in cleaned if span[0] not in starts] + platforms


def drop_common_words(text: str, spans: list[Span]) -> list[Span]:
    """A capitalised word opening a sentence is no name when the article also writes it in lower
    case ("Malaria killed..." beside "a malaria vaccine")."""
    lowered = lower_words(text)
    return [
        (start, end, label)
        for start, end, label in spans
        if not (label in lexicon.NAME_LABELS and capitalised_common_word(text, start, end, lowered))
    ]


def capitalised_common_word(text: str, start: int, end: int, lowered: set[str]) -> bool:
    """One word, written in lower case elsewhere in the article, and capitalised here only
    because it opens a sentence or stands in a Title Case headline ("Farm groups", "Farm Bill")."""
    surface = text[start:end]
    if " " in surface:
        return _line_of_common_words(text, start, end, lowered)
    if surface.isupper() or surface.lower() not in lowered:
        return False
    if sentence_initial(text, start):
        return True
    return on_headline(text, start)


def _line_of_common_words(text: str, start: int, end: int, lowered: set[str]) -> bool:
    """A line of its own ("Creating Types", "Conditional Types") whose every word the article
    also writes in lower case: a heading, not a name."""
    line_start, line_end = line_bounds(text, start)
    if text[line_start:line_end].strip() != text[start:end]:
        return False
    words = text[start:end].split()
    prose = _prose_lower_words(text)
    return all(not w.isupper() and w.lower() in prose for w in words)


_PROSE_LOWER_WORD = re.compile(r"(?<![\w'’.@/-])[a-z][a-z'’-]*(?![\w.@/])")


@lru_cache(maxsize=4)
def _prose_lower_words(text: str) -> frozenset[str]:
    """The words the text writes in lower case in prose: not in an address or an e-mail
    ("patrick.shanley@...")."""
    return frozenset(_PROSE_LOWER_WORD.findall(text))


def add_missed(text: str, spans: list[Span], labels: dict[str, str]) -> list[Span]:
    """Occurrences of known names that no span covers yet."""
    if not labels:
        return []
    taken = bytearray(len(text))
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    added: list[Span] = []
    lowered = lower_words(text)
    for start, end in occurrences(text, labels):
        if any(taken[start:end]) or not stands_alone(text, start, end):
            continue
        if capitalised_common_word(text, start, end, lowered):
            continue
        added.append((start, end, labels[text[start:end]]))
        taken[start:end] = b"\x01" * (end - start)
    return added


def occurrences(text: str, forms: Iterable[str]) -> Iterable[tuple[int, int]]:
    """Non-overlapping occurrences of `forms` that start and end a word, longest form first.

    Forms are looked up by their first word at each word start, so the cost grows with the text
    and not with text times forms, which one alternation of every form would cost."""
    by_first: dict[str, list[str]] = defaultdict(list)
    odd: list[str] = []
    for form in sorted(forms, key=len, reverse=True):
        first = _FIRST_WORD.match(form)
        if first:
            by_first[first.group()].append(form)
        else:
            odd.append(form)  # a form opening with punctuation ("@handle"): rare
    found: list[tuple[int, int]] = []
    for word in _WORD_AT_START.finditer(text):
        for form in by_first.get(word.group(), ()):
            start = word.start()
            end = start + len(form)
            if text.startswith(form, start) and not (end < len(text) and _is_word(text[end])):
                found.append((start, end))
                break
    if odd:
        pattern = re.compile(
            r"(?<![\w@#$])(?:" + "|".join(re.escape(f) for f in odd) + r")(?![\w])"
        )
        found.extend(m.span() for m in pattern.finditer(text))
    found.sort()
    position = 0
    for start, end in found:
        if start >= position:
            yield start, end
            position = end


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def stands_alone(text: str, start: int, end: int) -> bool:
    """False when the match is one word of a longer capitalised name ("Washington Post")."""
    after = _NEXT_WORD.match(text, end)
    if after and after.group(1)[0].isupper() and not is_title(after.group(1).strip(",.;:")):
        return False
    if end < len(text) and text[end] == "-" and text[end + 1 : end + 2].isupper():
        return True
    before = _PREV_WORD.search(text, max(0, start - 40), start)
    if before:
        word = before.group(1)
        if (
            word[0].isupper()
            and word[-1].isalnum()
            and not is_title(word)
            and word.lower() not in lexicon.COMMON_WORDS
            and not sentence_initial(text, before.start(1))
        ):
            return False
    return True
