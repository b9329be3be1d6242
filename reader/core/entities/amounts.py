"""Amounts: currency symbols, currency words, units and "about"/"up to" belong to the number."""

from __future__ import annotations

import re

from . import lexicon

AMOUNT_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})

MONEY = re.compile(
    rf"(?<![\w.])(?:[A-Z]{{1,3}})?[{lexicon.CURRENCY_SYMBOLS}]\d(?:[\d,]*\d)?(?:\.\d+)?"
    r"(?:(?:m|bn|k|tn)\b| (?:million|billion|trillion)\b)?"
)
_CURRENCY_BEFORE = re.compile(rf"(?:[A-Z]{{1,3}})?[{lexicon.CURRENCY_SYMBOLS}] ?\Z")
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
_TECH_UNITS = (
    r"bytes|kilobytes|megabytes|gigabytes|terabytes|bits|KB|kB|MB|GB|TB|KiB|MiB|GiB|TiB|Kbps|"
    r"Mbps|Gbps|Hz|kHz|MHz|GHz|mAh|Wh|kWh|MWh|GWh|dB|ms|fps|px|pixels|watts|volts|nm"
)
_SHORT_SCALE = re.compile(r"(?:m|bn|tn|k)\b")
UNITS = re.compile(
    r"^ (?:millimeters|millimetres|centimeters|centimetres|meters|metres|kilometers|kilometres|"
    r"miles|feet|foot|inches|tons|tonnes|kilograms|kilos|grams|pounds|ounces|barrels|acres|"
    r"hectares|degrees|gallons|liters|litres|megawatts|gigawatts|kilowatts|mm|cm|km|kg|mph|km/h|"
    rf"yards|square (?:feet|miles|kilometres|kilometers|metres|meters)|{_TECH_UNITS})\b"
)
# Units of computing and electronics, glued to the number or not: "16 GB", "3.5GHz", "120fps".
_GLUED_UNIT = re.compile(rf"\d[\d,]*(?:\.\d+)? ?(?:{_TECH_UNITS})")
_MISSED_QUANTITY = re.compile(rf"(?<![\w.,])\d[\d,]*(?:\.\d+)? ?(?:{_TECH_UNITS})\b")
_PER_TIME = re.compile(r" (?:an|a|per) (?:hour|second|minute|day)\b")


def extend_amount(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
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
    unit = UNITS.match(after)
    if unit and label == "CARDINAL" and not word:
        end, label = end + unit.end(), "QUANTITY"
    if label == "QUANTITY" and (rate := _PER_TIME.match(text, end)):
        end = rate.end()  # "70 kilometres an hour"
    modifier = _APPROXIMATELY.search(text, max(0, start - 16), start)
    if modifier and (modifier.start() == 0 or not text[modifier.start() - 1].isalnum()):
        start = modifier.start()
    return start, end, label


def amount_with_unit(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """An amount extended to its symbol, word or unit; a count whose last word is a unit is a
    quantity ("more than six inches")."""
    start, end, label = extend_amount(text, start, end, label)
    if label == "CARDINAL" and (
        UNITS.match(" " + text[start:end].rsplit(" ", 1)[-1])
        or _GLUED_UNIT.fullmatch(text[start:end].rsplit(" ", 1)[-1])
    ):
        label = "QUANTITY"
    return start, end, label


def missed_quantities(text: str, taken: set[int]) -> list[tuple[int, int, str]]:
    """Amounts in a unit of computing or electronics ("16 GB", "3.5GHz") that no span starts at:
    a model trained on news rarely knows them."""
    return [
        extend_amount(text, m.start(), m.end(), "QUANTITY")
        for m in _MISSED_QUANTITY.finditer(text)
        if m.start() not in taken
    ]
