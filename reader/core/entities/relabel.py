"""The relabel rules: what the words of one span say about its label, whatever the model said.

Each rule is a small function that looks at one `Candidate` and returns the label it should have,
or None to leave it. `RELABEL_RULES` is their order: each rule sees the label the rules before it
gave. A new rule is one function here and one entry in the table.

The rules about times and numbers never give or take a name label, and the rules about names
never give or take a time or a number, so the two groups do not disturb each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import lexicon
from .text import ACRONYM, POSSESSIVE, is_title

_CLOCK_DIGITS = re.compile(r"\d[:.]\d\d|\d\s*(?:a\.?m|p\.?m)\b", re.IGNORECASE)
CLOCK_TIME = re.compile(r"\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?")
_DURATION_IN_HOURS = re.compile(r"(?:\b|-)(?:hours?|minutes?|seconds)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_BEFORE = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|the|[Oo]f|by|[Ff]rom|until|before|after|during|early|late|mid-?) ?\Z"
)
_CAMEL_CASE = re.compile(r"(?!Mc|Mac)[A-Za-z][a-z]+[A-Z]\w*")

_TITLED_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One span as the rules see it.

    `start`/`end` are the span with its edges trimmed; `words` are its words without a leading
    determiner; `raw_start`/`raw_end` are the model's own edges.
    """

    text: str
    start: int
    end: int
    label: str
    words: tuple[tuple[int, int], ...]
    raw_start: int
    raw_end: int

    @property
    def surface(self) -> str:
        return self.text[self.start : self.end]

    def word(self, index: int) -> str:
        start, end = self.words[index]
        return self.text[start:end]


Rule = Callable[[Candidate], str | None]


# -- times and numbers -------------------------------------------------------------------------


def time_without_a_clock(span: Candidate) -> str | None:
    """A "time" with no clock reading and no clock word is a date: "the night", "Tuesday"."""
    if span.label != "TIME":
        return None
    lowered = span.text[span.raw_start : span.raw_end].lower()
    if _CLOCK_DIGITS.search(lowered) or any(
        w.strip(".,") in lexicon.CLOCK_WORDS for w in lowered.split()
    ):
        return None
    return "DATE"


def clock_reading(span: Candidate) -> str | None:
    """A clock reading or a race time: "2:13:44"."""
    if span.label in ("CARDINAL", "DATE") and CLOCK_TIME.fullmatch(span.text, span.start, span.end):
        return "TIME"
    return None


def duration_in_hours(span: Candidate) -> str | None:
    """ "A nine-hour vigil", "a 10-minute break": a time, not a date."""
    if span.label == "DATE" and _DURATION_IN_HOURS.search(span.text, span.start, span.end):
        return "TIME"
    return None


def year_after_a_preposition(span: Candidate) -> str | None:
    """ "The 2022 mini-budget", "since 2019": a year, not a count."""
    if (
        span.label == "CARDINAL"
        and _YEAR.fullmatch(span.text, span.start, span.end)
        and _YEAR_BEFORE.search(span.text, max(0, span.start - 10), span.start)
    ):
        return "DATE"
    return None


# -- names ---------------------------------------------------------------------------------------


def titled_person(span: Candidate) -> str | None:
    """ "Spokesperson Dmitry Peskov" tagged as an organisation: a personal title before
    capitalised words is a person."""
    if span.label not in _TITLED_LABELS or len(span.words) < 2:
        return None
    first = span.word(0).lower().rstrip(".")
    rest = [span.word(i) for i in range(1, len(span.words))]
    titled = first in lexicon.PERSONAL_TITLES or (first in lexicon.TITLES and len(rest) > 1)
    if titled and all(
        w[0].isupper() and not is_title(w) and w not in lexicon.ORG_WORDS for w in rest
    ):
        return "PERSON"
    return None


def acronym_is_no_person(span: Candidate) -> str | None:
    """Nobody is called "JAXA"."""
    if (
        span.label == "PERSON"
        and len(span.words) == 1
        and ACRONYM.fullmatch(span.text, span.start, span.end)
    ):
        return "ORG"
    return None


def camel_case_is_no_place(span: Candidate) -> str | None:
    """No place is spelt like "OpenAI" or "PayPal"."""
    if (
        span.label in ("GPE", "LOC")
        and len(span.words) == 1
        and _CAMEL_CASE.fullmatch(span.text, span.start, span.end)
    ):
        return "ORG"
    return None


def lone_institution_word(span: Candidate) -> str | None:
    """ "Outside Parliament", "the Senate": an institution."""
    if (
        span.label in ("GPE", "LOC", "PERSON")
        and len(span.words) == 1
        and span.surface in lexicon.ORG_HEADS
    ):
        return "ORG"
    return None


def _last_word(span: Candidate) -> str:
    return POSSESSIVE.sub("", span.word(-1)).rstrip(".,")


def ends_in_an_institution_word(span: Candidate) -> str | None:
    """ "City of London Police", "Keystone Supply LLC": an organisation."""
    if (
        span.label in ("GPE", "LOC", "PERSON", "FAC")
        and len(span.words) > 1
        and _last_word(span) in lexicon.ORG_HEADS
    ):
        return "ORG"
    return None


def ends_in_act(span: Candidate) -> str | None:
    """ "Farm, Food and National Security Act": a law."""
    if (
        span.label in ("ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT")
        and len(span.words) > 2
        and span.word(-1).rstrip(".,") == "Act"
    ):
        return "LAW"
    return None


def ends_in_a_natural_feature(span: Candidate) -> str | None:
    """ "Lesser Slave Lake": a location."""
    if (
        span.label in ("ORG", "PERSON")
        and len(span.words) > 1
        and span.word(-1) in lexicon.NATURAL_FEATURES
    ):
        return "LOC"
    return None


def ends_in_a_building_word(span: Candidate) -> str | None:
    """ "Julien Dubuque Bridge", "Grant Park", "Central Avenue": a facility."""
    if span.label not in ("GPE", "LOC", "PERSON", "ORG") or len(span.words) < 2:
        return None
    heads = lexicon.FAC_HEADS_FOR_PLACES if span.label in ("GPE", "LOC") else lexicon.FAC_HEADS
    return "FAC" if _last_word(span) in heads else None


RELABEL_RULES: tuple[Rule, ...] = (
    time_without_a_clock,
    clock_reading,
    duration_in_hours,
    year_after_a_preposition,
    titled_person,
    acronym_is_no_person,
    camel_case_is_no_place,
    lone_institution_word,
    ends_in_an_institution_word,
    ends_in_act,
    ends_in_a_natural_feature,
    ends_in_a_building_word,
)


def relabel(span: Candidate, rules: tuple[Rule, ...] = RELABEL_RULES) -> Candidate:
    """`span` with the label the rules give it, each rule in order."""
    for rule in rules:
        label = rule(span)
        if label is not None and label != span.label:
            span = replace(span, label=label)
    return span


def fired(span: Candidate, rules: tuple[Rule, ...] = RELABEL_RULES) -> list[str]:
    """The names of the rules that change `span`'s label, in order: why a span got its label."""
    names: list[str] = []
    for rule in rules:
        label = rule(span)
        if label is not None and label != span.label:
            names.append(rule.__name__)
            span = replace(span, label=label)
    return names
