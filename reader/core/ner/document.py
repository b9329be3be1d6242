"""The document-level pass: clean the model's spans and make them agree across one article.

The model tags each block on its own and hesitates: the same name gets two labels in two
paragraphs, a surname is found once and missed once, a title or a determiner is swept into a span.
Here the whole article is the evidence: span edges follow the reading conventions (no determiner,
no job title, no possessive, currency symbols inside money), every surface form gets one label,
names found once are found everywhere, and short forms of a person's name link to the full name.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .casing import is_headline

Span = tuple[int, int, str]

# No name, date or amount is this long; a longer span is a run of capitals the model swept up,
# and dropping it keeps the work per span bounded.
MAX_SPAN_CHARS = 200
# Is-this-a-headline needs only a short line; longer lines are never looked at whole.
_HEADLINE_CHARS = 160

_EDGE_PUNCT = "\"'“”‘’«»‹›()[]{}<>,;:!?*•·–—-/\\|…_~^`"
_WORD = re.compile(r"\S+")
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}\Z|\b(?:Inc|Corp|Co|Ltd|Jr|Sr|St|Bros)\.\Z")
_CLOCK_DIGITS = re.compile(r"\d[:.]\d\d|\d\s*(?:a\.?m|p\.?m)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?\Z")
_CURRENCY_BEFORE = re.compile(rf"(?:[A-Z]{{1,3}})?[{lexicon.CURRENCY_SYMBOLS}] ?\Z")
_PLATFORM = re.compile(
    r"\b(?:on|via|to) (" + "|".join(sorted(lexicon.PLATFORMS, key=len, reverse=True)) + r")\b"
)
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*\Z")
_NAME_PARTICLES = frozenset({"de", "da", "del", "der", "di", "du", "van", "von", "al", "bin", "la"})
_ACRONYM_SKIP = frozenset({"of", "and", "for", "the", "on", "in", "&"})


@dataclass(frozen=True, slots=True)
class LinkedSpan:
    """A cleaned span with the name of the entity it refers to."""

    start: int
    end: int
    label: str
    name: str


# -- span edges ------------------------------------------------------------------------------


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCT):
        start += 1
    while start < end:
        ch = text[end - 1]
        if (
            ch.isspace()
            or ch in _EDGE_PUNCT
            or (ch == "." and not _is_abbreviation(text, start, end))
        ):
            end -= 1
        else:
            break
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and label not in ("DATE", "TIME"):
        end = start + possessive.start()
    return start, end


def _is_abbreviation(text: str, start: int, end: int) -> bool:
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


_VERB_AFTER_NAME = (
    r"(?: \(|[,.;:]|$| (?:and|or|said|says|cut|rose|fell|grew|saw|sold|has|had|is|was|will|would|"
    r"plans|expects|declined|[a-z]+ed)\b)"
)


def _possessive_is_name(text: str, start: int, end: int) -> bool:
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


def _is_title(word: str) -> bool:
    lowered = word.lower().rstrip(".").replace("’", "'")
    parts = [p for p in re.split(r"[-/]", lowered) if p]
    return bool(parts) and all(p in lexicon.TITLES for p in parts)


def clean_span(text: str, start: int, end: int, label: str) -> list[Span]:
    """The span's edges made to follow the reading conventions; may split off a group adjective.

    Returns no span at all for junk (punctuation, pronouns, lower-case common words).
    """
    if label == "TIME":
        lowered = text[start:end].lower()
        if not _CLOCK_DIGITS.search(lowered) and not any(
            w.strip(".,") in lexicon.CLOCK_WORDS for w in lowered.split()
        ):
            label = "DATE"
    start, end = _trim(text, start, end, label)
    if label in ("CARDINAL", "DATE") and _CLOCK_TIME.fullmatch(text, start, end):
        label = "TIME"  # a clock reading or a race time: "2:13:44"
    if label == "DATE" and _DURATION_IN_HOURS.search(text, start, end):
        label = "TIME"  # "a nine-hour vigil", "a 10-minute break"
    if (
        label == "CARDINAL"
        and _YEAR.fullmatch(text, start, end)
        and _YEAR_BEFORE.search(text, max(0, start - 10), start)
    ):
        label = "DATE"  # "the 2022 mini-budget", "since 2019"
    extra: list[Span] = []
    words = _words(text, start, end)
    # No determiner opens a name ("the Kremlin" -> "Kremlin"); dates and amounts lose "the" only
    # ("the past year" -> "past year", but "a month", "this week").
    determiners = (
        lexicon.DETERMINERS if label in lexicon.NAME_LABELS else lexicon.POSSESSIVE_DETERMINERS
    )
    while len(words) > 1 and text[words[0][0] : words[0][1]].lower() in determiners:
        words = words[1:]
    if label in ("DATE", "TIME") and len(words) > 2:
        first, second = (text[a:b] for a, b in words[:2])
        if first.lower() in ("every", "each") and _COUNT_WORD.fullmatch(second):
            words = words[1:]  # "every four hours" -> "four hours"
    if label in ("DATE", "TIME") and len(words) == 2:
        first, second = (text[a:b] for a, b in words)
        if _ORDINAL_WORD.fullmatch(first) and second.lower() in lexicon.ORDINAL_NOUNS:
            return [(words[0][0], words[0][1], "ORDINAL")]  # "the 94th minute", "first day"
    if label == "DATE" and len(words) > 2:
        first, second = (text[a:b] for a, b in words[:2])
        if first.lower() in ("a", "an") and _ORDINAL_WORD.fullmatch(second):
            return [(words[1][0], words[1][1], "ORDINAL")]  # "a third straight year": a count
    if label in ("ORG", "GPE", "NORP", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT") and len(words) > 1:
        first = text[words[0][0] : words[0][1]].lower().rstrip(".")
        rest = [text[a:b] for a, b in words[1:]]
        # "Spokesperson Dmitry Peskov" tagged as an organisation: a personal title before
        # capitalised words is a person.
        if (
            first in lexicon.PERSONAL_TITLES or (first in lexicon.TITLES and len(rest) > 1)
        ) and all(w[0].isupper() and not _is_title(w) and w not in lexicon.ORG_WORDS for w in rest):
            label = "PERSON"
    if label == "PERSON" and len(words) == 1 and _ACRONYM.fullmatch(text, start, end):
        label = "ORG"  # nobody is called "JAXA"
    if label in ("GPE", "LOC") and len(words) == 1 and _CAMEL_CASE.fullmatch(text, start, end):
        label = "ORG"  # no place is spelt like "OpenAI" or "PayPal"
    if (
        label in ("GPE", "LOC", "PERSON")
        and len(words) == 1
        and text[start:end] in lexicon.ORG_HEADS
    ):
        label = "ORG"  # "outside Parliament", "the Senate"
    if label in ("GPE", "LOC", "PERSON", "FAC") and len(words) > 1:
        last = text[words[-1][0] : words[-1][1]]
        if _POSSESSIVE.sub("", last).rstrip(".,") in lexicon.ORG_HEADS:
            label = "ORG"  # "City of London Police", "Keystone Supply LLC"
    if (
        label in ("ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT")
        and len(words) > 2
        and text[words[-1][0] : words[-1][1]].rstrip(".,") == "Act"
    ):
        label = "LAW"  # "Farm, Food and National Security Act"
    if (
        label in ("ORG", "PERSON")
        and len(words) > 1
        and text[words[-1][0] : words[-1][1]] in lexicon.NATURAL_FEATURES
    ):
        label = "LOC"  # "Lesser Slave Lake"
    if label in ("GPE", "LOC", "PERSON", "ORG") and len(words) > 1:
        last = _POSSESSIVE.sub("", text[words[-1][0] : words[-1][1]]).rstrip(".,")
        if last in (lexicon.FAC_HEADS_FOR_PLACES if label in ("GPE", "LOC") else lexicon.FAC_HEADS):
            label = "FAC"  # "Julien Dubuque Bridge", "Grant Park", "Central Avenue"
    if label == "PERSON":
        while len(words) > 1:
            word = text[words[0][0] : words[0][1]]
            if word in lexicon.demonyms():
                extra.append((words[0][0], words[0][1], "NORP"))
            elif not (_is_title(word) or word.islower()):
                break
            words = words[1:]
    if label in lexicon.NAME_LABELS:
        while len(words) > 1:
            word = text[words[-1][0] : words[-1][1]]
            # "Bashar al-Assad", "Valéry Giscard d'Estaing": a capital anywhere keeps the word.
            if any(c.isupper() or c.isdigit() for c in word) or word in _NAME_PARTICLES:
                break
            words = words[:-1]
    if not words:
        return []
    start, end = words[0][0], words[-1][1]
    if label in lexicon.NAME_LABELS:
        lowered = text[start:end].lower()
        for suffix in lexicon.PLACE_SUFFIXES:
            cut = lowered.find(suffix)
            if cut > 0:
                end = start + cut
                break
    start, end = _trim(text, start, end, label)
    if label in _AMOUNT_LABELS:
        start, end, label = _extend_amount(text, start, end, label)
        if label == "CARDINAL" and _UNITS.match(" " + text[start:end].rsplit(" ", 1)[-1]):
            label = "QUANTITY"  # "more than six inches"
    elif label == "DATE":
        # Relative dates keep their modifiers: "late Wednesday", "earlier this week", "a year ago".
        while modifier := _DATE_MODIFIER_BEFORE.search(text, max(0, start - 20), start):
            start = modifier.start()
        if after := _DATE_MODIFIER_AFTER.match(text, end):
            end = after.end()
    if start >= end or _is_junk(text[start:end], label):
        return extra
    if text[max(0, start - 13) : start] == "Secretary of ":
        return extra  # "Secretary of State" is a title
    if (
        label == "ORG"
        and text[end : end + 2] in ("'s", "’s")
        and _possessive_is_name(text, start, end)
    ):
        end += 2  # "McDonald's said", "Wendy's gained"
    return [*extra, (start, end, label)]


_DATE_MODIFIER_BEFORE = re.compile(
    r"(?<![\w-])(?:[Ll]ate|[Ee]arly|[Ee]arlier|[Ll]ater|[Nn]ext|[Ll]ast|[Tt]his|[Pp]ast|[Cc]oming|"
    r"(?:rest|end|start|beginning|middle) of(?: the)?)"
    r" \Z"
)
_COUNT_WORD = re.compile(
    r"\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several",
    re.IGNORECASE,
)
_ORDINAL_WORD = re.compile(
    r"\d*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|eleventh|twelfth",
    re.IGNORECASE,
)
_DATE_MODIFIER_AFTER = re.compile(r" (?:ago|earlier|later)\b")
_DURATION_IN_HOURS = re.compile(r"(?:\b|-)(?:hours?|minutes?|seconds)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_BEFORE = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|the|[Oo]f|by|[Ff]rom|until|before|after|during|early|late|mid-?) ?\Z"
)
_CAMEL_CASE = re.compile(r"(?!Mc|Mac)[A-Za-z][a-z]+[A-Z]\w*")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_AMOUNT_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})
_APPROXIMATELY = re.compile(
    r"\b(?:up to|more than|less than|fewer than|at least|at most|about|around|nearly|almost|"
    r"roughly|approximately|estimated|some|over) \Z",
    re.IGNORECASE,
)
_CURRENCY_WORDS = re.compile(
    r"^ (?:dollars|euros|pounds sterling|yen|yuan|renminbi|rupees|rubles|roubles|pesos|francs|"
    r"won|lira|naira|rand|shekels|dirhams|riyals|hryvnias|hryvnia|zlotys|kronor|krona|crowns|"
    r"ringgit|baht|rupiah|dong|reais)\b"
)
_SHORT_SCALE = re.compile(r"(?:m|bn|tn|k)\b")
_UNITS = re.compile(
    r"^ (?:millimeters|millimetres|centimeters|centimetres|meters|metres|kilometers|kilometres|"
    r"miles|feet|foot|inches|tons|tonnes|kilograms|kilos|grams|pounds|ounces|barrels|acres|"
    r"hectares|degrees|gallons|liters|litres|megawatts|gigawatts|kilowatts|mm|cm|km|kg|mph|km/h)\b"
)


_PER_TIME = re.compile(r" (?:an|a|per) (?:hour|second|minute|day)\b")


def _extend_amount(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Currency symbols, currency words, units and "about"/"up to" belong to an amount."""
    currency = _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
    if currency and label in ("MONEY", "CARDINAL"):
        start, label = currency.start(), "MONEY"
    elif label == "CARDINAL" and any(c in lexicon.CURRENCY_SYMBOLS for c in text[start:end]):
        label = "MONEY"  # "about NZ$30 million" read as a number
    short_scale = _SHORT_SCALE.match(text, end)
    if short_scale and label == "MONEY":
        end = short_scale.end()  # "£1.9" + "m"
    after = text[end : end + 20]
    word = _CURRENCY_WORDS.match(after)
    if word and label in ("MONEY", "CARDINAL"):
        end, label = end + word.end(), "MONEY"
    unit = _UNITS.match(after)
    if unit and label == "CARDINAL" and not word:
        end, label = end + unit.end(), "QUANTITY"
    if label == "QUANTITY" and (rate := _PER_TIME.match(text, end)):
        end = rate.end()  # "70 kilometres an hour"
    modifier = _APPROXIMATELY.search(text, max(0, start - 16), start)
    if modifier and (modifier.start() == 0 or not text[modifier.start() - 1].isalnum()):
        start = modifier.start()
    return start, end, label


_DATE_WORDS = frozenset({"annual", "annually", "daily", "weekly", "monthly", "yearly", "quarterly"})


def _is_junk(surface: str, label: str) -> bool:
    if not any(ch.isalnum() for ch in surface):
        return True
    lowered = surface.lower()
    if lowered in lexicon.PRONOUNS and not (surface.isupper() and len(surface) > 1):
        return True
    if lowered in _DATE_WORDS:
        return True
    if label in lexicon.NAME_LABELS:
        if lowered in lexicon.COMMON_WORDS and not (surface.isupper() and len(surface) > 1):
            return True
        if not any(ch.isupper() or ch.isdigit() for ch in surface):
            return True
    return False


@lru_cache(maxsize=4)
def _newlines(text: str) -> list[int]:
    # Found once per text, so finding a span's line costs a bisection, not a scan of the line.
    return [m.start() for m in re.finditer("\n", text)]


def _line_bounds(text: str, position: int) -> tuple[int, int]:
    """Where the line holding `position` starts and ends (end exclusive, before its newline)."""
    newlines = _newlines(text)
    index = bisect_right(newlines, position - 1)
    start = newlines[index - 1] + 1 if index else 0
    end = newlines[index] if index < len(newlines) else len(text)
    return start, end


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    if _SENTENCE_END.search(before):
        return True
    line_start = _line_bounds(text, start)[0]
    near = text[max(line_start, start - 64) : start]
    if near.strip():
        return False
    return not text[line_start:start].strip()


# -- one label per form ----------------------------------------------------------------------


def _person_tails(spans: Iterable[Span], text: str) -> dict[str, list[str]]:
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
            if not tail[:1].isupper() or len(tail) < 2 or _is_title(tail) or _not_a_name(tail):
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
            and not _is_title(first)
            and not _not_a_name(first)
        ):
            tails[first].append(next(iter(names)))
    return tails


_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)


def _not_a_name(word: str) -> bool:
    """Words a model sometimes sweeps into a person span that are no part of the name."""
    lowered = word.lower()
    return (
        lowered in _WEEKDAYS
        or lowered in lexicon.COMMON_WORDS
        or word in lexicon.places()
        or word in lexicon.demonyms()
    )


_HYPHENATED_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")


def _choose_label(form: str, votes: Counter[str], person_tails: dict[str, list[str]]) -> str:
    if form in person_tails:
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


# -- evidence from the words around a name --------------------------------------------------

CONTEXT_WEIGHT = 5  # one telling context outweighs several of the model's guesses
# A name word starts a word: a pattern free to start at any capital rescans a long word from
# each of its letters, which made one 30 KB word cost minutes.
_NAME_START = r"(?<![\w&'’.-])"
_NAME = r"[A-Z][\w&'’.-]*"
_PLACE_NOUN_OF = re.compile(
    r"\b(?:city|town|village|province|region|district|state|county|capital|port|island|suburb|"
    rf"neighbou?rhood|municipality|oblast) of ((?:{_NAME} ){{0,2}}{_NAME})"
)
_ORG_NOUN = re.compile(
    r"\b(?:newspaper|daily|magazine|tabloid|agency|company|firm|group|bank|lender|insurer|party|"
    r"alliance|broadcaster|airline|carmaker|automaker|chipmaker|retailer|regulator|watchdog|"
    r"startup|start-up|manufacturer|publisher|charity|organi[sz]ation|channel|outlet|website|"
    r"club|coalition|militia|conglomerate|network|union|fund|brand|studio|label|think tank) "
    rf"((?:{_NAME} ){{0,3}}{_NAME})"
)
_PLACE_SUFFIX = re.compile(
    rf"{_NAME_START}((?:{_NAME} ){{0,2}}{_NAME})-(?:based|born|headquartered)\b"
)
_ORG_BEFORE = re.compile(
    rf"\b(?:[Ss]hares (?:in|of)|stake in|[Aa]nalysts at|subsidiary of|a unit of) ({_NAME})"
)
_ORG_AFTER = re.compile(
    rf"{_NAME_START}({_NAME})(?:['’]s)? (?:chief executive|CEO|chief financial officer|CFO|"
    r"chairman|chairwoman|co-founder|founder|shareholders|shares|share price|spokesperson|"
    r"spokesman|spokeswoman)\b"
)
# "Kelvin Kiptum of Kenya", "Ayesha Siddiqui, who ...": two or three capitalised words and an
# appositive that only a person takes.
_PERSON_APPOSITIVE = re.compile(
    r"(?<![\w’'-])((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)? ){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"(?:, who |, \d{1,3}, | of (?:the )?([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b)"
)
_PARTY_AND_PLACE = re.compile(r"(?<=, )[RDI]-([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_PLACE_AFTER_NEAR = re.compile(
    r"\b(?:near|outside|(?:headquarters|headquartered|based|located|born) in) "
    r"([A-Z][a-z]+)\b(?! [A-Z])"
)
_CLOCK_TIME = re.compile(r"\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?")
# "Supplemental Nutrition Assistance Program, or SNAP", "McDonald's (MCD)", "(NYSE: TAP)"
_SHORT_FORM_AFTER = re.compile(
    r"(?:['’]s)? \(([A-Z]{2,6})\)|, or ([A-Z]{2,6})\b"
    r"|(?:['’]s)? \((?:NYSE|Nasdaq|NASDAQ|LSE): ([A-Z.]{1,6})\)"
)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|across|to|from) \Z")
_OF_OR_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|across|to|from|of) \Z")


def _strip_name(name: str) -> str:
    return _POSSESSIVE.sub("", name).rstrip(".-")


def _context_votes(text: str, spans: Sequence[Span], tails: dict[str, list[str]]) -> list[Span]:
    """Spans whose label the surrounding words settle: "the city of X", "X-based", "newspaper X"."""
    found: list[Span] = []
    for pattern, label in ((_PLACE_NOUN_OF, "GPE"), (_ORG_NOUN, "ORG"), (_PLACE_SUFFIX, "GPE")):
        for match in pattern.finditer(text):
            name = _strip_name(match.group(1))
            if name and name.lower() not in lexicon.COMMON_WORDS and not _is_title(name):
                found.append((match.start(1), match.start(1) + len(name), label))
    for pattern, label in ((_ORG_BEFORE, "ORG"), (_ORG_AFTER, "ORG"), (_PLACE_AFTER_NEAR, "GPE")):
        for match in pattern.finditer(text):
            name = _strip_name(match.group(1))
            if (
                name
                and name.lower() not in lexicon.COMMON_WORDS
                and name.lower() not in lexicon.PRONOUNS
                and not _is_title(name)
                and name not in lexicon.places()
                and not (label == "GPE" and name in lexicon.ORG_HEADS)
            ):
                found.append((match.start(1), match.start(1) + len(name), label))
    for match in _PARTY_AND_PLACE.finditer(text):
        found.append((match.start(1), match.end(1), "GPE"))  # "Sen. Brandon Creighton, R-Conroe"
    for match in _PERSON_APPOSITIVE.finditer(text):
        name = match.group(1)
        place = match.group(2)
        words = name.split()
        if place and place not in lexicon.places():
            continue
        if any(_is_title(w) or w in lexicon.ORG_WORDS or w in lexicon.demonyms() for w in words):
            continue
        if words[0].lower() in lexicon.COMMON_WORDS or name in lexicon.places():
            continue
        if any(w.lower() in lexicon.CALENDAR_WORDS for w in words):
            continue  # "Friday March 4, 2024,"
        found.append((match.start(1), match.end(1), "PERSON"))
    for start, end, label in spans:
        if label not in ("ORG", "GPE", "LAW", "FAC"):
            continue
        short = _SHORT_FORM_AFTER.match(text, end)
        if short and short.lastindex is not None:
            name = short.group(1) or short.group(2) or short.group(3)
            if (short.group(2) or label != "ORG") and _initials(text[start:end]) != name:
                continue  # ", or X" and "(X)" after a place name the same thing only as initials
            found.append((short.start(short.lastindex), short.end(short.lastindex), label))
    by_start = {start: (end, label) for start, end, label in spans}
    by_end = {end: label for _, end, label in spans}
    for start, end, label in spans:
        surface = text[start:end]
        # A lone name no full name introduced, "in" or "near" it: a place.
        if (
            label == "PERSON"
            and " " not in surface
            and surface not in tails
            and _LOCATIVE_BEFORE.search(text, max(0, start - 8), start)
        ):
            found.append((start, end, "GPE"))
            # ... and so is the name it is listed with: "to Larkana and Dadu".
            for joint in (" and ", ", "):
                other_start = end + len(joint)
                other = by_start.get(other_start)
                if (
                    other is not None
                    and other[1] == "PERSON"
                    and text.startswith(joint, end)
                    and " " not in text[other_start : other[0]]
                ):
                    found.append((other_start, other[0], "GPE"))
        if label == "PERSON" and " " not in surface and surface not in tails:
            # "Auckland, Christchurch and Hamilton": a lone name listed after places is one.
            for joint in (", ", " and ", ", and ", " or "):
                before = by_end.get(start - len(joint))
                if (
                    before == "GPE"
                    and text[start - len(joint) : start] == joint
                    and (joint != ", " or text.startswith((", ", " and ", " or "), end))
                ):
                    found.append((start, end, "GPE"))
                    break
        dateline = surface.isupper() and len(surface) > 3 and _sentence_initial(text, start)
        if (label in ("LOC", "FAC", "GPE") or dateline) and text[end : end + 2] == ", ":
            after = by_start.get(end + 2)
            if after and after[1] == "GPE":
                found.append((start, end, "GPE"))  # "East Palestine, Ohio", "EDMONTON, Alberta"
    return found


# -- clubs in a sports report -----------------------------------------------------------------

CLUB_WEIGHT = 4 * CONTEXT_WEIGHT  # in a match report, a club cue outweighs the model's "person"
_SPORT_WORDS = re.compile(
    r"\b(?:scored|scorer|goals?|striker|midfielder|defender|goalkeeper|(?:semi|quarter)-finals?|"
    r"league|cup|match|kick-off|half-time|stoppage time|added time|penalty|penalties|touchdowns?|"
    r"innings|wickets?|play-?offs?|coach|season|tournament|championship|stadium|fans)\b",
    re.IGNORECASE,
)
_CLUB_CUE = re.compile(
    rf"(?:\b(?:on loan from|signed from|joined from|against|beat|beating|lost to|drew with|"
    rf"draw with|play|plays|played|host|hosts|face|faces) ({_NAME}(?: {_NAME}){{0,2}})"
    rf"|{_NAME_START}({_NAME}(?: {_NAME}){{0,2}})(?:['’]s)? (?:manager|captain|head coach|coach|"
    r"striker|defender|midfielder|goalkeeper|winger|boss)\b)"
)


def _is_sports_report(text: str) -> bool:
    return len({m.group().lower() for m in _SPORT_WORDS.finditer(text)}) >= 4


def _club_votes(text: str, spans: Sequence[Span], tails: dict[str, list[str]]) -> list[Span]:
    """In a match report, "Ipswich Town", "Ipswich captain", "on loan from Feyenoord" are clubs,
    and so is the bare "Ipswich" of "Ipswich Town"; national sides stay places."""
    if not _is_sports_report(text):
        return []
    found: list[Span] = []
    clubs: set[str] = set()
    for start, end, label in spans:
        words = text[start:end].split()
        if label in lexicon.NAME_LABELS and len(words) > 1 and words[-1] in lexicon.CLUB_HEADS:
            found.append((start, end, "ORG"))
            clubs.add(" ".join(words[:-1]))
    for match in _CLUB_CUE.finditer(text):
        group = 1 if match.group(1) else 2
        name = _strip_name(match.group(group))
        words = name.split()
        if (
            name in tails
            or name in lexicon.places()
            or name.lower() in lexicon.COMMON_WORDS
            or _is_title(name)
            or (len(words) > 1 and words[-1] not in lexicon.CLUB_HEADS)
        ):
            continue
        found.append((match.start(group), match.start(group) + len(name), "ORG"))
    for club in clubs - set(tails) - lexicon.places():
        for match in re.finditer(rf"(?<![\w-]){re.escape(club)}(?![\w-])", text):
            found.append((match.start(), match.end(), "ORG"))
    return found


def _merge_dates(text: str, spans: list[Span]) -> list[Span]:
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
                and not _PERIOD_TO_MONTH.fullmatch(text, start, span[1])
            ):
                merged[-1] = (start, span[1], "DATE")
                continue
            if label == "DATE" and span[2] == "TIME" and between == " ":
                merged[-1] = (start, span[1], "TIME")
                continue
        merged.append(span)
    return merged


def _drop_common_words(text: str, spans: list[Span]) -> list[Span]:
    """A capitalised word opening a sentence is no name when the article also writes it in lower
    case ("Malaria killed..." beside "a malaria vaccine")."""
    lower_words = _lower_words(text)
    return [
        (start, end, label)
        for start, end, label in spans
        if not (
            label in lexicon.NAME_LABELS and _capitalised_common_word(text, start, end, lower_words)
        )
    ]


def _lower_words(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w'’-])[a-z][a-z'’-]*", text))


def _capitalised_common_word(text: str, start: int, end: int, lower_words: set[str]) -> bool:
    """One word, written in lower case elsewhere in the article, and capitalised here only
    because it opens a sentence or stands in a Title Case headline ("Farm groups", "Farm Bill")."""
    surface = text[start:end]
    if " " in surface or surface.isupper() or surface.lower() not in lower_words:
        return False
    if _sentence_initial(text, start):
        return True
    return _on_headline(text, start)


def _on_headline(text: str, position: int) -> bool:
    line_start, line_end = _line_bounds(text, position)
    # A line far longer than any headline is none, whatever its margins hold.
    return line_end - line_start <= 4 * _HEADLINE_CHARS and is_headline(text[line_start:line_end])


# -- finding what the model missed -----------------------------------------------------------


def _add_missed(text: str, spans: list[Span], labels: dict[str, str]) -> list[Span]:
    """Occurrences of known names that no span covers yet."""
    if not labels:
        return []
    taken = bytearray(len(text))
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    added: list[Span] = []
    lower_words = _lower_words(text)
    for start, end in _occurrences(text, labels):
        if any(taken[start:end]) or not _stands_alone(text, start, end):
            continue
        if _capitalised_common_word(text, start, end, lower_words):
            continue
        added.append((start, end, labels[text[start:end]]))
        taken[start:end] = b"\x01" * (end - start)
    return added


_FIRST_WORD = re.compile(r"\w+")
_WORD_AT_START = re.compile(r"(?<![\w@#$])\w+")


def _occurrences(text: str, forms: Iterable[str]) -> Iterable[tuple[int, int]]:
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


_PREV_WORD = re.compile(r"(\S+)[ \t]+\Z")
_NEXT_WORD = re.compile(r"^[ \t]+(\S+)")


def _stands_alone(text: str, start: int, end: int) -> bool:
    """False when the match is one word of a longer capitalised name ("Washington Post")."""
    after = _NEXT_WORD.match(text, end)
    if after and after.group(1)[0].isupper() and not _is_title(after.group(1).strip(",.;:")):
        return False
    if end < len(text) and text[end] == "-" and text[end + 1 : end + 2].isupper():
        return True
    before = _PREV_WORD.search(text, max(0, start - 40), start)
    if before:
        word = before.group(1)
        if (
            word[0].isupper()
            and word[-1].isalnum()
            and not _is_title(word)
            and word.lower() not in lexicon.COMMON_WORDS
            and not _sentence_initial(text, before.start(1))
        ):
            return False
    return True


# -- linking ---------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """The comparable form of a name: case-folded, straight quotes, no possessive, no dots."""
    name = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'")
    name = _POSSESSIVE.sub("", name.strip())
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]?\.?", name):
        name = name.replace(".", "")
    name = re.sub(r"\s+", " ", name).casefold()
    return name.removeprefix("the ")


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[0].isupper())


def _link(text: str, spans: Sequence[Span], person_tails: dict[str, list[str]]) -> list[LinkedSpan]:
    longest_by_label: dict[str, list[str]] = defaultdict(list)
    for start, end, label in spans:
        surface = text[start:end]
        if " " in surface and surface not in longest_by_label[label]:
            longest_by_label[label].append(surface)
    last_seen: dict[str, int] = {}
    linked: list[LinkedSpan] = []
    for start, end, label in spans:
        surface = text[start:end]
        name = surface
        if label == "PERSON":
            candidates = person_tails.get(surface, [])
            if candidates:
                # The full name mentioned most recently, else the first one.
                name = max(candidates, key=lambda c: (last_seen.get(c, -1), -candidates.index(c)))
            longer = [c for c in person_tails.get(name, []) if len(c) > len(name)]
            if longer:
                name = max(longer, key=len)
            last_seen[surface] = start
        elif surface.isupper() and 2 <= len(surface.replace(".", "")) <= 6:
            bare = surface.replace(".", "")
            expansions = [n for n in longest_by_label[label] if _initials(n) == bare]
            if len(expansions) == 1:
                name = expansions[0]
        linked.append(LinkedSpan(start, end, label, name))
    return linked


# -- the pass --------------------------------------------------------------------------------


def _resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    result: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
        if result and span[0] < result[-1][1]:
            continue
        result.append(span)
    return result


_MONEY = re.compile(
    rf"(?<![\w.])(?:[A-Z]{{1,3}})?[{lexicon.CURRENCY_SYMBOLS}]\d(?:[\d,]*\d)?(?:\.\d+)?"
    r"(?:(?:m|bn|k|tn)\b| (?:million|billion|trillion)\b)?"
)
_CAPITALISED = re.compile(r"[A-Z][^\W\d_]*")
_SPACED_DASH = re.compile(r" [—–-] ")
_PLACE_LIST = re.compile(
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)?, "
    r"(?!(?:Inc|Ltd|LLC|Jr|Sr|Co|Corp|Plc|PLC)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)?"
)
_SCORE = re.compile(r"(\d{1,3}) to (\d{1,3})")
_CLAUSE_AFTER_DATE = re.compile(r", (?=[a-z])")
_TWO_ORGS = re.compile(r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*) and ([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*)")
_PERIOD_TO_MONTH = re.compile(
    r"((?:the )?\w+ (?:months|years|weeks|quarters)) to ((?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)(?: \d{4})?)"
)


def _split_lines(text: str, spans: Iterable[Span]) -> Iterable[Span]:
    for start, end, label in spans:
        position = start
        while (newline := text.find("\n", position, end)) != -1:
            yield position, newline, label
            position = newline + 1
        yield position, end, label


def _split_at_dashes(text: str, spans: Iterable[Span]) -> Iterable[Span]:
    """A span never runs across a line break or a spaced dash ("AMSTERDAM — Veldhoven ..."); a
    vote or a score ("68 to 31") is two numbers, not a date."""
    counts: dict[str, int] = {}

    def count(form: str) -> int:
        if form not in counts:
            counts[form] = text.count(form)
        return counts[form]

    for start, end, label in _split_lines(text, spans):
        clause = _CLAUSE_AFTER_DATE.search(text, start, end) if label == "DATE" else None
        if clause:
            end = (
                clause.start()
            )  # "late Tuesday, ending months of talks": the date ends at the comma
        if label == "ORG" and (comma := text.find(", ", start, end)) != -1:
            head = text[start:comma].rsplit(" ", 1)[-1]
            if head in lexicon.ORG_HEADS and text[comma + 2 : end].split(" ", 1)[0] not in (
                lexicon.ORG_HEADS
            ):
                end = comma  # "Canadian Armed Forces, Public Safety Minister ..."
        pair = _TWO_ORGS.fullmatch(text, start, end) if label == "ORG" else None
        if pair and any(
            count(part) > count(pair.group()) or _ACRONYM.fullmatch(part)
            for part in (pair.group(1), pair.group(2))
        ):
            # "Goldman Sachs and ING": two firms, each also named on its own or an acronym.
            yield pair.start(1), pair.end(1), label
            yield pair.start(2), pair.end(2), label
            continue
        period = _PERIOD_TO_MONTH.fullmatch(text, start, end)
        if period and label == "DATE":
            # "the 12 months to February": a length of time and the month it ends in.
            yield period.start(1), period.end(1), "DATE"
            yield period.start(2), period.end(2), "DATE"
            continue
        score = _SCORE.fullmatch(text, start, end)
        if score and label == "DATE":
            yield score.start(1), score.end(1), "CARDINAL"
            yield score.start(2), score.end(2), "CARDINAL"
            continue
        if label in ("GPE", "LOC", "ORG") and _PLACE_LIST.fullmatch(text, start, end):
            # "Guildford, Surrey": a town and its county, two places; "Alphabet, Meta" from a list
            # of companies keeps its label.
            if label == "ORG" and not _OF_OR_LOCATIVE_BEFORE.search(text, max(0, start - 8), start):
                part_label = "ORG"
            else:
                part_label = "GPE"
            for part in re.finditer(r"[^,]+", text[start:end]):
                part_start = start + part.start() + (len(part.group()) - len(part.group().lstrip()))
                yield part_start, start + part.end(), part_label
            continue
        position = start
        for dash in _SPACED_DASH.finditer(text, start, end):
            yield position, dash.start(), label
            position = dash.end()
        yield position, end, label


def document_pass(text: str, raw_spans: Iterable[Span]) -> list[LinkedSpan]:
    """Cleaned, consistent and linked spans over `text` from the model's raw spans."""
    cleaned: list[Span] = []
    bounded = (span for span in raw_spans if span[1] - span[0] <= MAX_SPAN_CHARS)
    for start, end, label in _split_at_dashes(text, bounded):
        cleaned.extend(clean_span(text, start, end, label))
    taken = {start for start, _, _ in cleaned}
    for match in _MONEY.finditer(text):
        if match.start() not in taken:
            if _on_headline(text, match.start()):
                cleaned.append((match.start(), match.end(), "MONEY"))  # "Jailed Over £3.4m Fraud"
            else:
                cleaned.append(_extend_amount(text, match.start(), match.end(), "MONEY"))
    platforms = [
        (m.start(1), m.end(1), "ORG")
        for m in _PLATFORM.finditer(text)
        if text[m.end(1) : m.end(1) + 1] not in ("-", "’", "'")
    ]
    if platforms:
        # "a post on X": the context settles it, whatever the model made of the name.
        starts = {start for start, _, _ in platforms}
        cleaned = [span for span in cleaned if span[0] not in starts] + platforms
    spans = _drop_common_words(text, _merge_dates(text, _resolve_overlaps(cleaned)))

    context = [
        span
        for span in _context_votes(text, spans, _person_tails(spans, text))
        if span[1] - span[0] <= MAX_SPAN_CHARS
    ]
    person_tails = _person_tails([*spans, *(c for c in context if c[2] == "PERSON")], text)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for start, end, label in spans:
        votes[text[start:end]][label] += 1
    for start, end, label in context:
        votes[text[start:end]][label] += CONTEXT_WEIGHT
    for start, end, label in _club_votes(text, spans, person_tails):
        votes[text[start:end]][label] += CLUB_WEIGHT
    for tail in person_tails:
        votes[tail]["PERSON"] += 0
    capitalised = set(_CAPITALISED.findall(text))
    for word in lexicon.demonyms() & capitalised:
        votes[word]["NORP"] += 0
    for place in lexicon.unambiguous_places():
        if place.split(" ", 1)[0] in capitalised and place in text:
            votes[place]["GPE"] += 0
    labels: dict[str, str] = {}
    for form, counter in votes.items():
        real = +counter
        if real:
            labels[form] = _choose_label(form, real, person_tails)
        elif form in person_tails:
            labels[form] = "PERSON"
        elif form in lexicon.demonyms():
            labels[form] = "NORP"
        else:
            labels[form] = "GPE"

    # One label per name; a date or an amount keeps its own ("in May" beside "Theresa May").
    spans = [
        (s, e, labels.get(text[s:e], label) if label in lexicon.NAME_LABELS else label)
        for s, e, label in spans
    ]
    addable = {
        form: label
        for form, label in labels.items()
        if label in lexicon.NAME_LABELS
        and 1 < len(form) <= MAX_SPAN_CHARS
        and (form.isupper() or form.lower() not in lexicon.COMMON_WORDS)
        and "\n" not in form
    }
    spans = _resolve_overlaps([*spans, *_add_missed(text, spans, addable)])
    return _link(text, spans, person_tails)
