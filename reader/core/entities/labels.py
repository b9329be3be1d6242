"""One label per form: the votes of the model and of the context settle each name's label.

A form the article introduces as part of a person's full name is a person ("Putin" after
"Vladimir Putin"); a nationality is a group; a known place is a place; else the majority wins.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from . import lexicon
from .text import Span, is_title

_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_HYPHENATED_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")
_CAPITALISED = re.compile(r"[A-Z][^\W\d_]*")


def person_tails(spans: Iterable[Span], text: str) -> dict[str, list[str]]:
    """Shorter forms of the article's full person names: "Putin" -> ["Vladimir Putin"]."""
    tails: dict[str, list[str]] = defaultdict(list)
    firsts: dict[str, set[str]] = defaultdict(set)
    for start, end, label in spans:
        if label != "PERSON":
            continue
        name = text[start:end]
        parts = name.split()
        if len(parts) < 2:
            continue
        for k in range(1, len(parts)):
            tail = " ".join(parts[k:])
            if not tail[:1].isupper() or len(tail) < 2 or is_title(tail) or not_a_name(tail):
                continue
            if name not in tails[tail]:
                tails[tail].append(name)
        if len(parts) >= 3 or (len(parts) == 2 and _HYPHENATED_GIVEN_NAME.fullmatch(parts[1])):
            # "Tedros Adhanom Ghebreyesus" is shortened to the first name, and Korean names put
            # the family name first: "Han Dong-hoon" -> "Han".
            firsts[parts[0]].add(name)
    for first, names in firsts.items():
        if (
            len(names) == 1
            and first not in tails
            and len(first) > 2
            and not is_title(first)
            and not not_a_name(first)
        ):
            tails[first].append(next(iter(names)))
    return tails


def not_a_name(word: str) -> bool:
    """Words a model sometimes sweeps into a person span that are no part of the name."""
    lowered = word.lower()
    return (
        lowered in _WEEKDAYS
        or lowered in lexicon.COMMON_WORDS
        or word in lexicon.places()
        or word in lexicon.demonyms()
    )


def choose_label(form: str, votes: Counter[str], tails: dict[str, list[str]]) -> str:
    """The label of `form` from its (non-zero) votes."""
    if form in tails:
        return "PERSON"
    if form.isupper() and len(form) > 3:
        form = form.title()  # a dateline: "KARACHI"
    name_votes = {label for label in votes if label in lexicon.NAME_LABELS}
    if name_votes:
        if form in lexicon.demonyms():
            return "NORP"
        if lexicon.is_demonym_shape(form) and name_votes <= {"GPE", "LOC", "NORP"}:
            return "NORP"
        if form in lexicon.unambiguous_places() or (form in lexicon.places() and votes["GPE"]):
            return "GPE"
    return votes.most_common(1)[0][0]


def _label_without_votes(form: str, tails: dict[str, list[str]]) -> str:
    """A form known only from the word lists or from a full name: it has a label all the same,
    so that its other occurrences can be found."""
    if form in tails:
        return "PERSON"
    if form in lexicon.demonyms():
        return "NORP"
    if form in lexicon.PRODUCTS:
        return "PRODUCT"
    return "GPE"


def vote(
    text: str,
    weighted: Sequence[tuple[Iterable[Span], int]],
    tails: dict[str, list[str]],
) -> dict[str, str]:
    """The label of every form: the spans of each (spans, weight) pair vote with their weight;
    the person tails, the demonyms, the unambiguous places and the known products in the text
    are candidates too."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for spans, weight in weighted:
        for start, end, label in spans:
            votes[text[start:end]][label] += weight
    for tail in tails:
        votes[tail]["PERSON"] += 0
    capitalised = set(_CAPITALISED.findall(text))
    for word in lexicon.demonyms() & capitalised:
        votes[word]["NORP"] += 0
    for place in lexicon.unambiguous_places():
        if place.split(" ", 1)[0] in capitalised and place in text:
            votes[place]["GPE"] += 0
    for product in lexicon.PRODUCTS:
        if product in text:
            votes[product]["PRODUCT"] += 0
    labels: dict[str, str] = {}
    for form, counter in votes.items():
        real = +counter
        labels[form] = (
            choose_label(form, real, tails) if real else _label_without_votes(form, tails)
        )
    return labels
