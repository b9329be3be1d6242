"""Evidence from the words around a name: "the city of X", "X-based", "newspaper X", "X, who",
"written in X".

`CONTEXT_RULES` are the rules in order; each finds spans whose label the context settles, and
each found span votes with `CONTEXT_WEIGHT`. In a match report the club rules vote with
`CLUB_WEIGHT`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from . import lexicon
from .linking import initials
from .text import Span, is_title, sentence_initial, strip_name

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
# "Supplemental Nutrition Assistance Program, or SNAP", "McDonald's (MCD)", "(NYSE: TAP)"
_SHORT_FORM_AFTER = re.compile(
    r"(?:['’]s)? \(([A-Z]{2,6})\)|, or ([A-Z]{2,6})\b"
    r"|(?:['’]s)? \((?:NYSE|Nasdaq|NASDAQ|LSE): ([A-Z.]{1,6})\)"
)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|across|to|from) \Z")
# "written in Kotlin", "runs on FreeBSD", "install Emscripten", "Rust version 1.80": software.
# A product word may be "C++", "C#", "Node.js" or "iOS", but never ends in a full stop.
_PRODUCT_WORD = r"(?:[A-Z]|[a-z]+[A-Z])[\w+#]*(?:[.-]\w+)*"
_PRODUCT_BEFORE = re.compile(
    r"\b(?i:written in|programming language|install|installed|installing|"
    rf"runs on|running on|compiled with|built with) ({_PRODUCT_WORD}(?: {_PRODUCT_WORD})?)"
    r"(?![\w+#])"
)
_PRODUCT_VERSION = re.compile(
    rf"{_NAME_START}({_PRODUCT_WORD}) (?:version \d|v\d|programming language\b|source code\b)"
)

Tails = dict[str, list[str]]
ContextRule = Callable[[str, Sequence[Span], Tails], Iterable[Span]]


def _plain_name(name: str) -> bool:
    return bool(name) and name.lower() not in lexicon.COMMON_WORDS and not is_title(name)


def _cue_name(name: str, label: str) -> bool:
    """A name a weaker cue ("near X", "X's chief executive") may label: not a pronoun, not a
    known place, and no institution word taken for a place."""
    return (
        _plain_name(name)
        and name.lower() not in lexicon.PRONOUNS
        and name not in lexicon.places()
        and not (label == "GPE" and name in lexicon.ORG_HEADS)
    )


def _product_name(name: str, label: str) -> bool:
    """What a software cue may label: no nationality, no day or month ("runs on Monday")."""
    return (
        _cue_name(name, label)
        and name not in lexicon.demonyms()
        and not any(w.lower() in lexicon.CALENDAR_WORDS for w in name.split())
    )


# (pattern, label, guard): group 1 of each match is a name of that label when the guard agrees.
CONTEXT_PATTERNS: tuple[tuple[re.Pattern[str], str, Callable[[str, str], bool]], ...] = (
    (_PLACE_NOUN_OF, "GPE", lambda name, _: _plain_name(name)),
    (_ORG_NOUN, "ORG", lambda name, _: _plain_name(name)),
    (_PLACE_SUFFIX, "GPE", lambda name, _: _plain_name(name)),
    (_ORG_BEFORE, "ORG", _cue_name),
    (_ORG_AFTER, "ORG", _cue_name),
    (_PLACE_AFTER_NEAR, "GPE", _cue_name),
    (_PRODUCT_BEFORE, "PRODUCT", _product_name),
    (_PRODUCT_VERSION, "PRODUCT", _product_name),
)


def named_by_a_pattern(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """ "the city of X", "newspaper X", "X-based", "shares in X", "X's chief executive",
    "near X"."""
    for pattern, label, guard in CONTEXT_PATTERNS:
        for match in pattern.finditer(text):
            name = strip_name(match.group(1))
            if guard(name, label):
                yield (match.start(1), match.start(1) + len(name), label)


def party_and_place(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """ "Sen. Brandon Creighton, R-Conroe": a place."""
    for match in _PARTY_AND_PLACE.finditer(text):
        yield (match.start(1), match.end(1), "GPE")


def person_appositive(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """ "Kelvin Kiptum of Kenya", "Ayesha Siddiqui, who", "Jane Doe, 42,": a person."""
    for match in _PERSON_APPOSITIVE.finditer(text):
        name = match.group(1)
        place = match.group(2)
        words = name.split()
        if place and place not in lexicon.places():
            continue
        if any(is_title(w) or w in lexicon.ORG_WORDS or w in lexicon.demonyms() for w in words):
            continue
        if words[0].lower() in lexicon.COMMON_WORDS or name in lexicon.places():
            continue
        if any(w.lower() in lexicon.CALENDAR_WORDS for w in words):
            continue  # "Friday March 4, 2024,"
        yield (match.start(1), match.end(1), "PERSON")


def short_form_after(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """An acronym or ticker after a name shares its label: "Program, or SNAP", "(MCD)"."""
    for start, end, label in spans:
        if label not in ("ORG", "GPE", "LAW", "FAC"):
            continue
        short = _SHORT_FORM_AFTER.match(text, end)
        if short and short.lastindex is not None:
            name = short.group(1) or short.group(2) or short.group(3)
            if (short.group(2) or label != "ORG") and initials(text[start:end]) != name:
                continue  # ", or X" and "(X)" after a place name the same thing only as initials
            yield (short.start(short.lastindex), short.end(short.lastindex), label)


def _lone_name(text: str, start: int, end: int, label: str, tails: Tails) -> bool:
    surface = text[start:end]
    return label == "PERSON" and " " not in surface and surface not in tails


def place_after_a_locative(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """A lone name no full name introduced, "in" or "near" it: a place; and so is the name it is
    listed with: "to Larkana and Dadu"."""
    by_start = {start: (end, label) for start, end, label in spans}
    for start, end, label in spans:
        if not (
            _lone_name(text, start, end, label, tails)
            and _LOCATIVE_BEFORE.search(text, max(0, start - 8), start)
        ):
            continue
        yield (start, end, "GPE")
        for joint in (" and ", ", "):
            other_start = end + len(joint)
            other = by_start.get(other_start)
            if (
                other is not None
                and other[1] == "PERSON"
                and text.startswith(joint, end)
                and " " not in text[other_start : other[0]]
            ):
                yield (other_start, other[0], "GPE")


def listed_after_places(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """ "Auckland, Christchurch and Hamilton": a lone name listed after places is one."""
    by_end = {end: label for _, end, label in spans}
    for start, end, label in spans:
        if not _lone_name(text, start, end, label, tails):
            continue
        for joint in (", ", " and ", ", and ", " or "):
            before = by_end.get(start - len(joint))
            if (
                before == "GPE"
                and text[start - len(joint) : start] == joint
                and (joint != ", " or text.startswith((", ", " and ", " or "), end))
            ):
                yield (start, end, "GPE")
                break


def place_before_its_region(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """ "East Palestine, Ohio", "EDMONTON, Alberta": a place."""
    by_start = {start: (end, label) for start, end, label in spans}
    for start, end, label in spans:
        surface = text[start:end]
        dateline = surface.isupper() and len(surface) > 3 and sentence_initial(text, start)
        if (label in ("LOC", "FAC", "GPE") or dateline) and text[end : end + 2] == ", ":
            after = by_start.get(end + 2)
            if after and after[1] == "GPE":
                yield (start, end, "GPE")


def known_product(text: str, spans: Sequence[Span], tails: Tails) -> Iterable[Span]:
    """Software, apps, devices and programming languages known by name ("Kotlin", "iPhone")
    are products, whatever name label the model gave them."""
    for start, end, label in spans:
        if label in lexicon.NAME_LABELS and text[start:end] in lexicon.PRODUCTS:
            yield (start, end, "PRODUCT")


CONTEXT_RULES: tuple[ContextRule, ...] = (
    named_by_a_pattern,
    party_and_place,
    person_appositive,
    short_form_after,
    place_after_a_locative,
    listed_after_places,
    place_before_its_region,
    known_product,
)


def context_votes(text: str, spans: Sequence[Span], tails: Tails) -> list[Span]:
    """Spans whose label the surrounding words settle, rule by rule."""
    return [span for rule in CONTEXT_RULES for span in rule(text, spans, tails)]


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


def is_sports_report(text: str) -> bool:
    return len({m.group().lower() for m in _SPORT_WORDS.finditer(text)}) >= 4


def club_votes(text: str, spans: Sequence[Span], tails: Tails) -> list[Span]:
    """In a match report, "Ipswich Town", "Ipswich captain", "on loan from Feyenoord" are clubs,
    and so is the bare "Ipswich" of "Ipswich Town"; national sides stay places."""
    if not is_sports_report(text):
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
        name = strip_name(match.group(group))
        words = name.split()
        if (
            name in tails
            or name in lexicon.places()
            or name.lower() in lexicon.COMMON_WORDS
            or is_title(name)
            or (len(words) > 1 and words[-1] not in lexicon.CLUB_HEADS)
        ):
            continue
        found.append((match.start(group), match.start(group) + len(name), "ORG"))
    for club in clubs - set(tails) - lexicon.places():
        for match in re.finditer(rf"(?<![\w-]){re.escape(club)}(?![\w-])", text):
            found.append((match.start(), match.end(), "ORG"))
    return found
