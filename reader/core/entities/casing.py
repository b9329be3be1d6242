"""Headlines and datelines recased for the model, keeping every offset where it was.

The model reads capitals as names, so a Title Case headline ("Floods Displace Thousands") and an
upper-case dateline ("KARACHI, Pakistan —") come out as junk spans. The tagger is given a copy of
such a block in sentence case, where a word keeps its capital only when the article's body writes
it with one mid-sentence (so it is a name). The copy has the same length, so spans map back 1:1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import lexicon

_WORD = re.compile(r"[^\W\d_](?:[\w'’&]|\.(?=\w))*")
_CAPITAL_WORD = re.compile(r"(?<![\w'’&.-])[^\W\d_a-z](?:[\w'’&]|\.(?=\w))*")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "up",
        "via",
        "vs",
        "with",
    ]
)
_DATELINE = re.compile(r"^([A-Z][A-Z'’.-]{2,}(?: [A-Z][A-Z'’.-]+)*)(?=,| [—–-] )")
_CREDIT_LINE = re.compile(
    r"(?:By|Reporting|Additional reporting|Writing|Editing|Photo|Photos|Photograph|Video|Words)"
    r"\b"
)
_SENTENCE_BREAK = frozenset('.!?:;"“”—–(')
# No name runs to this many capitalised words in a row, nor is a word of this many characters one:
# such runs (a shouting paragraph, a page of capitals) are hidden from the model, which would read
# them as one endless name, and kept out of the body's names.
MAX_NAME_WORDS = 12
MAX_WORD_CHARS = 64
_CAPITAL_RUN = re.compile(
    rf"(?<![\w'’&.-])[^\W\d_a-z][\w'’&.-]*+(?: [^\W\d_a-z][\w'’&.-]*+){{{MAX_NAME_WORDS},}}+"
    rf"|\S{{{MAX_WORD_CHARS + 1},}}"
)


_POSSESSIVE = re.compile(r"['’]s?\Z")


def _core(word: str) -> str:
    if "'" in word or "’" in word:
        word = _POSSESSIVE.sub("", word)
    return word.rstrip(".-")


def is_headline(text: str) -> bool:
    """A short Title Case line without a full stop: the way headlines and subheads look."""
    stripped = text.strip()
    if not stripped or stripped[-1] in '.!?”")' or len(stripped) > 160:
        return False
    if _CREDIT_LINE.match(stripped):
        return False  # "By Jane Doe and John Roe": names, written as names
    words = [w for w in _WORD.findall(stripped) if w.lower() not in _SMALL_WORDS]
    if not 3 <= len(words) <= 16:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.75 * len(words)


def body_names(blocks: Sequence[str]) -> frozenset[str]:
    """What the body writes with capitals in mid-sentence: lone words ("Sindh") and whole
    capitalised phrases ("World Health Organization")."""
    names: set[str] = set()
    for block in blocks:
        if is_headline(block):
            continue
        run: list[str] = []
        run_end = -1
        for match in _CAPITAL_WORD.finditer(block):
            if run and block[run_end : match.start()] == " ":
                run.append(_core(match.group()))
                run_end = match.end()
                continue
            _close_run(run, names)
            run = []
            before = block[max(0, match.start() - 4) : match.start()].rstrip()
            if match.start() > 0 and (not before or before[-1] not in _SENTENCE_BREAK):
                run = [_core(match.group())]
                run_end = match.end()
        _close_run(run, names)
    return frozenset(names)


def _close_run(run: list[str], names: set[str]) -> None:
    if len(run) == 1:
        names.add(run[0])
    elif run and len(run) <= MAX_NAME_WORDS:
        names.add(" ".join(run))


def _same_length(original: str, replacement: str) -> str:
    return replacement if len(replacement) == len(original) else original


def masked_runs(text: str) -> str:
    """`text` with long runs of capitalised words and overlong words blanked (same length)."""
    return _CAPITAL_RUN.sub(lambda m: " " * len(m.group()), text)


def for_tagging(text: str, names: frozenset[str]) -> str:
    """`text` as the model should see it: headlines in sentence case, datelines in Title Case,
    long runs of capitals blanked out."""
    text = masked_runs(text)
    if is_headline(text):
        words = list(_WORD.finditer(text))
        keep = [False] * len(words)
        for index, match in enumerate(words):
            core = _core(match.group())
            keep[index] = (
                core in names
                or (len(core) > 1 and core.isupper())
                or core in lexicon.places()
                or core in lexicon.demonyms()
                or (index == 0 and core[0].isupper())
            )
            # A phrase the body writes in capitals keeps them here too.
            for size in (4, 3, 2):
                phrase = " ".join(_core(m.group()) for m in words[index : index + size])
                if len(words[index : index + size]) == size and phrase in names:
                    for k in range(index, index + size):
                        keep[k] = True
        out = []
        position = 0
        for index, match in enumerate(words):
            word = match.group()
            out.append(text[position : match.start()])
            out.append(word if keep[index] else _same_length(word, word[0].lower() + word[1:]))
            position = match.end()
        out.append(text[position:])
        return "".join(out)
    dateline = _DATELINE.match(text)
    if dateline:
        capitals = dateline.group(1)
        if capitals not in names:
            titled = " ".join(w[0] + w[1:].lower() for w in capitals.split(" "))
            return _same_length(capitals, titled) + text[dateline.end(1) :]
    return text
