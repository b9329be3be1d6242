"""Offsets in `Article.text` to positions in the reading view's document, and back.

The document holds the text's characters in order, plus a few of its own: a picture before a
caption (and a line break after it), a picture inside a table cell, the mark that opens a table.
Each of those starts a new segment with a larger shift; a table's cell boundaries and a code
block's line breaks take one position for their one character (tab or newline), so they need none.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(slots=True)
class PositionMap:
    """Maps offsets in `Article.text` to document positions and back.

    A document counts UTF-16 units, so a character outside the Basic Multilingual Plane (an
    emoji, say) takes two positions for one offset; `astral` lists those offsets.
    """

    block_starts: list[int]  # offset where each segment starts (blocks, cells, pictures)
    shifts: list[int]  # extra document characters before each segment's text
    header_length: int  # characters of the header (title, details) before the body
    astral: list[int] = field(default_factory=list)
    _positions: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._positions = [self.to_position(start) for start in self.block_starts]

    @classmethod
    def for_text(
        cls, text: str, block_starts: list[int], shifts: list[int], header_length: int
    ) -> PositionMap:
        astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        return cls(block_starts or [0], shifts or [0], header_length, astral)

    def _wide(self, offset: int) -> int:
        return bisect.bisect_left(self.astral, offset) if self.astral else 0

    def to_position(self, offset: int, end: bool = False) -> int:
        """The position of `offset`; as the `end` of a range, an offset where a segment starts
        maps to the end of the segment before (before a picture rather than after it)."""
        if end and offset > 0:
            index = max(0, bisect.bisect_left(self.block_starts, offset) - 1)
        else:
            index = max(0, bisect.bisect_right(self.block_starts, offset) - 1)
        return self.header_length + offset + self.shifts[index] + self._wide(offset)

    def to_offset(self, position: int) -> int:
        if position - self.header_length <= 0:
            return 0
        index = max(0, bisect.bisect_right(self._positions, position) - 1)
        start = self.block_starts[index]
        offset = start + max(0, position - self._positions[index])
        if self.astral:
            # Each wide character before the offset took two positions for one character.
            k = bisect.bisect_left(self.astral, start)
            while k < len(self.astral) and self.astral[k] < offset:
                offset -= 1
                k += 1
        return offset
