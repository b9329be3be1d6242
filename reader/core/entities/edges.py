"""Span edges: where one of the model's spans starts and ends, by the reading conventions.

No determiner opens a name, no job title or possessive belongs to it, currency symbols and units
belong to an amount and relative dates keep their modifiers. `clean_span` runs these steps in
order; the label itself is settled by the rule table in `relabel`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .amounts import AMOUNT_LABELS, amount_with_unit
from .relabel import Candidate, relabel
from .text import POSSESSIVE, Span, is_title, words

_EDGE_PUNCT = "\"'“”‘’«»‹›()[]{}<>,;:!?*•·–—-/\\|…_~^`"
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}\Z|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St|Bros)\.\Z")
_NAME_PARTICLES = frozenset({"de", "da", "del", "der", "di", "du", "van", "von", "al", "bin", "la"})
_COUNT_WORD = re.compile(
    r"\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several",
    re.IGNORECASE,
)
_ORDINAL_WORD = re.compile(
    r"\d*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|eleventh|twelfth",
    re.IGNORECASE,
)
_DATE_MODIFIER_BEFORE = re.compile(
    r"(?<![\w-])(?:[Ll]ate|[Ee]arly|[Ee]arlier|[Ll]ater|[Nn]ext|[Ll]ast|[Tt]his|[Pp]ast|[Cc]oming|"
    r"(?:rest|end|start|beginning|middle) of(?: the)?)"
    r" \Z"
)
_DATE_MODIFIER_AFTER = re.compile(r" (?:ago|earlier|later)\b")
_DATE_WORDS = frozenset({"annual", "annually", "daily", "weekly", "monthly", "yearly", "quarterly"})
_VERB_AFTER_NAME = (
    r"(?: \(|[,.;:]|$| (?:and|or|said|says|cut|rose|fell|grew|saw|sold|has|had|is|was|will|would|"
    r"plans|expects|declined|[a-z]+ed)\b)"
)

# User names are written with an underscore or with digits inside a word; people and places
# never are (products are: "RX7800XT", "A350").
_HANDLE = re.compile(r"_|[a-z]\d|\d[a-z]")
_HANDLE_LABELS = frozenset({"PERSON", "GPE", "LOC", "NORP"})

Words = list[tuple[int, int]]


def trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Spaces and edge punctuation off both ends, a sentence's full stop and a possessive off."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCT):
        start += 1
    while start < end:
        ch = text[end - 1]
        if (
            ch.isspace()
            or ch in _EDGE_PUNCT
            or (ch == "." and not is_abbreviation(text, start, end))
        ):
            end -= 1
        else:
            break
    possessive = POSSESSIVE.search(text[start:end])
    if possessive and label not in ("DATE", "TIME"):
        end = start + possessive.start()
    return start, end


def is_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the full stop ending text[start:end] belongs to it ("U.S.", "Calif., Nov 15")."""
    if _ABBREVIATION_END.search(text, start, end):
        return True
    after = text[end : end + 2]
    word = text[start:end].rsplit(" ", 1)[-1]
    return (
        len(word) <= 6
        and word[:1].isupper()
        and (after[:1] in (",", ";") or (after[:1] == " " and after[1:2].islower()))
    )


def possessive_is_name(text: str, start: int, end: int) -> bool:
    """An organisation whose name ends in "'s": never written without it in the article, and
    at least once followed by a verb or punctuation rather than by what it owns."""
    return _possessive_form_is_name(text, text[start:end])


@lru_cache(maxsize=1024)
def _possessive_form_is_name(text: str, form: str) -> bool:
    # Cached per form: every mention of one name asks the same question of the whole text.
    base = re.escape(form)
    if re.search(rf"(?<![\w'’]){base}(?![\w'’])", text):
        return False
    return bool(re.search(rf"(?<![\w'’]){base}['’]s{_VERB_AFTER_NAME}", text, re.MULTILINE))


def clean_span(text: str, start: int, end: int, label: str) -> list[Span]:
    """The span's edges made to follow the reading conventions; may split off a group adjective.

    Returns no span at all for junk (punctuation, pronouns, lower-case common words).
    """
    raw_start, raw_end = start, end
    start, end = trim(text, start, end, label)
    found = _without_determiner(text, words(text, start, end), label)
    span = relabel(Candidate(text, start, end, label, tuple(found), raw_start, raw_end))
    label = span.label
    found = _without_every(text, found, label)
    ordinal = _ordinal(text, found, label)
    if ordinal is not None:
        return [ordinal]
    extra, found = _split_off_groups(text, found, label)
    found = _without_lower_case_tail(text, found, label)
    if not found:
        return []
    start, end = _without_place_suffix(text, found[0][0], found[-1][1], label)
    start, end = trim(text, start, end, label)
    start, end, label = _with_modifiers(text, start, end, label)
    if not _is_kept(text, start, end, label):
        return extra
    if (
        label == "ORG"
        and text[end : end + 2] in ("'s", "’s")
        and possessive_is_name(text, start, end)
    ):
        end += 2  # "McDonald's said", "Wendy's gained"
    return [*extra, (start, end, label)]


def _without_determiner(text: str, found: Words, label: str) -> Words:
    """No determiner opens a name ("the Kremlin" -> "Kremlin"); dates and amounts lose "the"
    only ("the past year" -> "past year", but "a month", "this week")."""
    determiners = (
        lexicon.DETERMINERS if label in lexicon.NAME_LABELS else lexicon.POSSESSIVE_DETERMINERS
    )
    while len(found) > 1 and text[found[0][0] : found[0][1]].lower() in determiners:
        found = found[1:]
    return found


def _without_every(text: str, found: Words, label: str) -> Words:
    """ "every four hours" -> "four hours"."""
    if label in ("DATE", "TIME") and len(found) > 2:
        first, second = (text[a:b] for a, b in found[:2])
        if first.lower() in ("every", "each") and _COUNT_WORD.fullmatch(second):
            return found[1:]
    return found


def _ordinal(text: str, found: Words, label: str) -> Span | None:
    """The ordinal a date or a time really is: "the 94th minute", "first day", and "a third
    straight year" (a count, not a date)."""
    if label in ("DATE", "TIME") and len(found) == 2:
        first, second = (text[a:b] for a, b in found)
        if _ORDINAL_WORD.fullmatch(first) and second.lower() in lexicon.ORDINAL_NOUNS:
            return (found[0][0], found[0][1], "ORDINAL")
    if label == "DATE" and len(found) > 2:
        first, second = (text[a:b] for a, b in found[:2])
        if first.lower() in ("a", "an") and _ORDINAL_WORD.fullmatch(second):
            return (found[1][0], found[1][1], "ORDINAL")
    return None


def _split_off_groups(text: str, found: Words, label: str) -> tuple[list[Span], Words]:
    """Titles and lower-case words before a person's name go; a nationality before it is a
    group of its own ("French President Emmanuel Macron")."""
    extra: list[Span] = []
    if label != "PERSON":
        return extra, found
    while len(found) > 1:
        word = text[found[0][0] : found[0][1]]
        if word in lexicon.demonyms():
            extra.append((found[0][0], found[0][1], "NORP"))
        elif not (is_title(word) or word.islower()):
            break
        found = found[1:]
    return extra, found


def _without_lower_case_tail(text: str, found: Words, label: str) -> Words:
    """Lower-case words after a name are no part of it."""
    if label not in lexicon.NAME_LABELS:
        return found
    while len(found) > 1:
        word = text[found[-1][0] : found[-1][1]]
        # "Bashar al-Assad", "Valéry Giscard d'Estaing": a capital anywhere keeps the word.
        if any(c.isupper() or c.isdigit() for c in word) or word in _NAME_PARTICLES:
            break
        found = found[:-1]
    return found


def _without_place_suffix(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """ "Beijing-based" -> "Beijing"."""
    if label in lexicon.NAME_LABELS:
        lowered = text[start:end].lower()
        for suffix in lexicon.PLACE_SUFFIXES:
            cut = lowered.find(suffix)
            if cut > 0:
                return start, start + cut
    return start, end


def _with_modifiers(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Amounts take their symbols, words and units; relative dates keep their modifiers: "late
    Wednesday", "earlier this week", "a year ago"."""
    if label in AMOUNT_LABELS:
        return amount_with_unit(text, start, end, label)
    if label == "DATE":
        while modifier := _DATE_MODIFIER_BEFORE.search(text, max(0, start - 20), start):
            start = modifier.start()
        if after := _DATE_MODIFIER_AFTER.match(text, end):
            end = after.end()
    return start, end, label


def _is_kept(text: str, start: int, end: int, label: str) -> bool:
    if start >= end or is_junk(text[start:end], label):
        return False
    if label not in lexicon.NAME_LABELS and text[start - 1 : start] == "#":
        return False  # "#3": a post's or an issue's number, not a count
    return text[max(0, start - 13) : start] != "Secretary of "  # "Secretary of State": a title


def is_junk(surface: str, label: str) -> bool:
    """Punctuation, a pronoun, a frequency word, or a name in lower case, a common word or a
    generic technical acronym."""
    if not any(ch.isalnum() for ch in surface):
        return True
    lowered = surface.lower()
    if lowered in lexicon.PRONOUNS and not (surface.isupper() and len(surface) > 1):
        return True
    if lowered in _DATE_WORDS:
        return True
    if label in lexicon.NAME_LABELS:
        if label in _HANDLE_LABELS and _HANDLE.search(surface):
            return True  # "skier8390", "cloud_8f8f": a user name, not a person or a place
        if {surface, surface.removesuffix("s"), surface.split("-")[0]} & lexicon.GENERIC_ACRONYMS:
            return True  # "an API", "IoT devices": a kind of thing
        if lowered in lexicon.COMMON_WORDS and not (surface.isupper() and len(surface) > 1):
            return True
        if not any(ch.isupper() or ch.isdigit() for ch in surface):
            return True
    return False
