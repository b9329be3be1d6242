"""How the reading view lays out the blocks that are not plain paragraphs: tables as real
`QTextTable`s (heading rows, links and pictures in cells, wide ones wider than the column rather
than squeezed into it) and pictures scaled to the column.

Each function reports the extra document characters it added and where, so the view's
`PositionMap` stays exact (see `position_map.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextImageFormat,
    QTextLength,
    QTextTableFormat,
)

from reader.core.models import Block, Inline

OBJECT_CHAR = "\ufffc"
# A cell picture (an icon, a flag) is shown at most this many ems wide.
MAX_CELL_IMAGE_EM = 8.0
# Pictures this small are icons (a tick, a flag) and are drawn at the height of the text.
MAX_ICON_PX = 64
ICON_EM = 1.1
# Average width of a character of the table's text, in ems, to tell a wide table.
CHAR_EM = 0.5
MAX_NATURAL_CELL_CHARS = 28


@dataclass(slots=True)
class Inserted:
    """What an insertion added beyond the text: (offset, extra) breakpoints for the position
    map, and document positions whose character stands for a tab or a newline of the text."""

    breaks: list[tuple[int, int]] = field(default_factory=list)
    separators: list[tuple[int, str]] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)  # positions that stand for no text


def load_image(
    loader: Callable[[str], bytes | None] | None, document: QTextDocument, src: str
) -> QImage | None:
    """The archived picture for `src`, added to the document as a resource; None if absent."""
    if loader is None or not src:
        return None
    data = loader(src)
    if not data:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(src), image)
    return image


def image_format(src: str, image: QImage, max_width: float) -> QTextImageFormat:
    fmt = QTextImageFormat()
    fmt.setName(QUrl(src).toString())
    scale = min(1.0, max_width / max(1, image.width()))
    fmt.setWidth(image.width() * scale)  # the height follows, keeping the picture's shape
    # Never wider than the text: a window narrower than the column scales the picture down
    # (keeping its shape) rather than pushing the page sideways.
    fmt.setMaximumWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    return fmt


def cell_image_format(src: str, image: QImage, em: float) -> QTextImageFormat:
    """A picture in a cell: an icon at the height of the text beside it, a photo at most
    MAX_CELL_IMAGE_EM wide."""
    if max(image.width(), image.height()) <= MAX_ICON_PX:
        fmt = QTextImageFormat()
        fmt.setName(QUrl(src).toString())
        scale = ICON_EM * em / max(1, image.height())
        fmt.setWidth(image.width() * scale)
        fmt.setHeight(image.height() * scale)
        return fmt
    return image_format(src, image, MAX_CELL_IMAGE_EM * em)


def insert_table(
    cursor: QTextCursor,
    block: Block,
    block_offset: int,
    *,
    em: float,
    column_width: float,
    colors: dict[str, str],
    cell_format: QTextCharFormat,
    insert_text: Callable[[QTextCursor, str, tuple[Inline, ...], QTextCharFormat], None],
    loader: Callable[[str], bytes | None] | None,
) -> Inserted:
    """Insert `block` as a table at the cursor; the cursor ends after the table."""
    lines = block.text.split("\n")
    cells = [line.split("\t") for line in lines]
    columns = max(len(row) for row in cells)
    inserted = Inserted()
    table_format = QTextTableFormat()
    table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    table_format.setBorder(0.5)
    table_format.setBorderBrush(QBrush(QColor(colors["rule"])))
    table_format.setBorderCollapse(True)
    table_format.setCellPadding(em * 0.3)
    table_format.setCellSpacing(0)
    table_format.setHeaderRowCount(block.header_rows)
    table_format.setBottomMargin(em * 0.8)
    natural = sum(
        min(MAX_NATURAL_CELL_CHARS, max(len(row[c]) if c < len(row) else 0 for row in cells)) + 2
        for c in range(columns)
    )
    natural_width = natural * CHAR_EM * em
    if natural_width > column_width:
        # Wider than the column: keep the table's own width and let the view scroll sideways,
        # rather than breaking every cell into a column of single words.
        table_format.setWidth(QTextLength(QTextLength.Type.FixedLength, natural_width))
    table = cursor.insertTable(len(cells), columns, table_format)
    document = cursor.document()
    start = table.firstPosition() - 1  # the character that opens the table
    inserted.hidden.append(start)
    extra = 1
    inserted.breaks.append((block_offset, extra))
    images = sorted(
        (i for i in block.inlines if i.kind == "image" and i.href), key=lambda i: i.start
    )
    others = tuple(i for i in block.inlines if i.kind != "image")
    offset = block_offset
    for r, row in enumerate(cells):
        for c in range(columns):
            text = row[c] if c < len(row) else ""
            cell = table.cellAt(r, c)
            fmt = cell.format()
            fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignMiddle)
            if r < block.header_rows:
                fmt.setBackground(QColor(colors["chrome"]))
            cell.setFormat(fmt)
            cell_cursor = cell.firstCursorPosition()
            if (r, c) != (0, 0):
                # The boundary before this cell stands for the tab or newline of the text.
                inserted.separators.append((cell_cursor.position() - 1, "\t" if c else "\n"))
                inserted.breaks.append((offset, extra))
            char_format = QTextCharFormat(cell_format)
            if r < block.header_rows:
                char_format.setFontWeight(QFont.Weight.Bold)
            cell_start = offset - block_offset
            cell_inlines = _shifted(others, cell_start, cell_start + len(text))
            cuts = [i for i in images if cell_start <= i.start <= cell_start + len(text)]
            written = 0
            for image_inline in cuts:
                local_at = image_inline.start - cell_start
                if local_at > written:
                    insert_text(
                        cell_cursor,
                        text[written:local_at],
                        _shifted(cell_inlines, written, local_at),
                        char_format,
                    )
                    written = local_at
                image = load_image(loader, document, str(image_inline.href))
                if image is None:
                    continue
                position = cell_cursor.position()
                cell_cursor.insertImage(cell_image_format(str(image_inline.href), image, em))
                inserted.hidden.append(position)
                extra += 1
                inserted.breaks.append((offset + local_at, extra))
            if written < len(text):
                insert_text(
                    cell_cursor,
                    text[written:],
                    _shifted(cell_inlines, written, len(text)),
                    char_format,
                )
            for image_inline in cuts:
                images.remove(image_inline)
            offset += len(text) + 1
    cursor.setPosition(table.lastPosition() + 1)
    return inserted


def _shifted(inlines: tuple[Inline, ...], start: int, end: int) -> tuple[Inline, ...]:
    """The inlines over text[start:end], as offsets into that piece."""
    return tuple(
        Inline(max(i.start, start) - start, min(i.end, end) - start, i.kind, i.href)
        for i in inlines
        if i.start < end and i.end > start
    )
