"""A table block's cells for the exporters: each cell's text with its own inlines and the
pictures it holds, and where it starts in the block's text (so highlights land in cells)."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.models import Block, BlockKind, Inline


@dataclass(frozen=True, slots=True)
class Cell:
    offset: int  # where the cell's text starts in the block's text
    block: Block  # the cell as a paragraph: its text and inlines (offsets into the cell)
    images: tuple[str, ...]  # URLs of the pictures in the cell, in order
    header: bool


def table_rows(block: Block) -> list[list[Cell]]:
    """The table's rows of cells, each row as wide as the widest."""
    lines = block.text.split("\n") if block.text else ["\t".join(r) for r in block.rows]
    width = max((line.count("\t") + 1 for line in lines), default=0)
    rows: list[list[Cell]] = []
    offset = 0
    for number, line in enumerate(lines):
        row: list[Cell] = []
        for text in line.split("\t"):
            end = offset + len(text)
            inlines = tuple(
                Inline(max(i.start, offset) - offset, min(i.end, end) - offset, i.kind, i.href)
                for i in block.inlines
                if i.kind != "image" and i.start < end and i.end > offset
            )
            images = tuple(
                str(i.href)
                for i in block.inlines
                if i.kind == "image" and i.href and offset <= i.start <= end
            )
            row.append(
                Cell(
                    offset,
                    Block(BlockKind.PARAGRAPH, text, inlines=inlines),
                    images,
                    number < block.header_rows,
                )
            )
            offset = end + 1
        while len(row) < width:
            row.append(
                Cell(offset - 1, Block(BlockKind.PARAGRAPH, ""), (), number < block.header_rows)
            )
        rows.append(row)
    return rows
