"""Refresh intervals as people write them: 30m, 1h, 2h30m, 1d, or plain seconds."""

from __future__ import annotations

import re

from reader.core.errors import ReadmarkError

MIN_EVERY_S = 5 * 60
MAX_EVERY_S = 30 * 24 * 3600
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = re.compile(r"(\d{1,6})([smhdw])")


class IntervalError(ReadmarkError):
    """An interval that cannot be read; the message shows the forms that work."""


def parse_interval(text: str) -> int:
    """Seconds in `text` ("1h", "90m", "1d12h", "3600"), within 5 minutes and 30 days."""
    value = text.strip().lower().replace(" ", "")
    if value.isdigit() and len(value) <= 8:
        seconds = int(value)
    else:
        seconds, position = 0, 0
        for match in _PART.finditer(value):
            if match.start() != position:
                break
            seconds += int(match.group(1)) * _UNITS[match.group(2)]
            position = match.end()
        if not value or position != len(value):
            raise IntervalError(f"{text!r} is not an interval; write it like 30m, 1h, 6h or 1d.")
    if seconds < MIN_EVERY_S:
        raise IntervalError(f"{text!r} is too often; feeds are checked at most every 5 minutes.")
    if seconds > MAX_EVERY_S:
        raise IntervalError(f"{text!r} is too long; check a feed at least every 30 days.")
    return seconds


def format_interval(seconds: int) -> str:
    """The shortest way to write `seconds` in the units above (3600 -> "1h")."""
    parts = []
    rest = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0s"
