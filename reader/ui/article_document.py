"""Building the reading view's document from an article's blocks, in the reader's typography.

The document holds `Article.text`'s characters block by block, in order, after a header (title
and details). Pictures and tables add characters of their own; the `PositionMap` built beside
the document keeps those shifts, so a text offset maps to a document position and back. Code
keeps its lines as line breaks inside one block in a shaded frame; a table's cell boundaries
stand for its tabs and newlines (`Built.separators`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextListFormat,
)

from reader.core.models import Article, Block, BlockKind, Inline
from reader.ui.block_render import Inserted, image_format, insert_table, load_image
from reader.ui.language_names import language_name
from reader.ui.position_map import PositionMap
from reader.ui.theme import Theme, Typography

SERIF_FAMILIES = (
    "Charter",
    "Source Serif 4",
    "Georgia",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
)
SANS_FAMILIES = ("Inter", "Noto Sans", "Segoe UI", "Helvetica Neue", "DejaVu Sans", "Arial")
HEADING_SCALE = {1: 1.55, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}
PROPORTIONAL_HEIGHT = 1  # QTextBlockFormat.LineHeightTypes.ProportionalHeight
FIXED_HEIGHT = 2  # QTextBlockFormat.LineHeightTypes.FixedHeight
LINE_DISTANCE_HEIGHT = 4  # QTextBlockFormat.LineHeightTypes.LineDistanceHeight
LINE_SEPARATOR = "\u2028"
INLINE_CODE_SCALE = 0.86
TABLE_TEXT_SCALE = 0.85
OBJECT_CHAR = "\ufffc"
BYTE_ORDER_MARK = "\ufeff"
# A char format property that marks an entity mention, so repainting can find and clear it.
ENTITY_PROPERTY = QTextFormat.Property.UserProperty + 1


def _line_breaks(text: str) -> list[int]:
    """Where the newlines of `text` are, counted in UTF-16 units as a document counts."""
    breaks: list[int] = []
    position = 0
    for char in text:
        if char == "\n":
            breaks.append(position)
        position += 2 if ord(char) > 0xFFFF else 1
    return breaks


def resolve_family(name: str) -> str:
    """An installed family for "serif", "sans" or "mono"; any other name is used as given."""
    if name in ("serif", "sans"):
        families = set(QFontDatabase.families())
        for candidate in SERIF_FAMILIES if name == "serif" else SANS_FAMILIES:
            if candidate in families:
                return candidate
        return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    if name == "mono":
        return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    return name


def readable_date(value: str) -> str:
    """ "2019-04-28T10:00:00Z" as "28 Apr 2019"; anything unparsable as given."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10]
    return f"{moment.day} {moment:%b %Y}"


def safe_link(href: str | None) -> bool:
    return bool(href) and QUrl(href).scheme() in ("http", "https")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Built:
    """A built document: its positions that stand for other text (a tab or newline), and every
    position that is no character of the text (those, pictures and frame starts), in order."""

    document: QTextDocument
    position_map: PositionMap
    separators: dict[int, str]
    events: list[int]


class ArticleDocumentBuilder:
    """Makes documents in one typography and theme; pictures come from `image_loader` only."""

    def __init__(
        self,
        typography: Typography,
        theme: Theme,
        image_loader: Callable[[str], bytes | None] | None,
        parent: QObject | None = None,
    ) -> None:
        self.typography = typography
        self.theme = theme
        self.image_loader = image_loader
        self.parent = parent

    def em(self, count: float) -> float:
        return self.typography.font_size_pt * 1.333 * count

    def _base_font(self) -> QFont:
        font = QFont(resolve_family(self.typography.font_family))
        font.setPointSizeF(self.typography.font_size_pt)
        return font

    def new_document(self) -> QTextDocument:
        document = QTextDocument(self.parent)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self._base_font())
        document.setDocumentMargin(self.em(1.5))
        root = document.rootFrame().frameFormat()
        root.setBackground(QColor(self.theme.page))
        document.rootFrame().setFrameFormat(root)
        return document

    def block_format(self, top: float = 0.0, bottom: float | None = None) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(self.typography.line_height_pct, PROPORTIONAL_HEIGHT)
        fmt.setTopMargin(top)
        fmt.setBottomMargin(self.em(0.8) if bottom is None else bottom)
        return fmt

    def text_format(self, muted: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(self.theme.muted if muted else self.theme.text))
        return fmt

    def heading_format(self, level: int) -> QTextCharFormat:
        fmt = self.text_format()
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontPointSize(self.typography.font_size_pt * HEADING_SCALE.get(level, 1.0))
        return fmt

    def _link_format(self, base: QTextCharFormat, href: str) -> QTextCharFormat:
        fmt = QTextCharFormat(base)
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setForeground(QColor(self.theme.link))
        fmt.setFontUnderline(True)
        return fmt

    def _insert_header(self, cursor: QTextCursor, article: Article) -> None:
        title_format = self.block_format(bottom=self.em(0.5))
        title_format.setLineHeight(118, PROPORTIONAL_HEIGHT)
        cursor.setBlockFormat(title_format)
        cursor.insertText(article.title or "Untitled", self.heading_format(1))
        muted = self.text_format(muted=True)
        muted.setFontPointSize(self.typography.font_size_pt * 0.9)
        details = article.credits()
        if article.published:
            details.append(readable_date(article.published))
        language = language_name(article.lang)
        if language:
            details.append(language)
        details.append(f"{article.reading_minutes} min read")
        cursor.insertBlock(self.block_format(bottom=self.em(1.6)))
        cursor.insertText(" · ".join(details), muted)
        link = article.canonical_url or article.url
        if link and safe_link(link):
            cursor.insertText(" · ", muted)
            cursor.insertText("Original ↗", self._link_format(muted, link))
        if article.lead_image and not any(
            b.kind is BlockKind.IMAGE and b.src for b in article.blocks
        ):
            # The page's own picture for the article, when the body has none of its own.
            image = load_image(self.image_loader, cursor.document(), article.lead_image)
            if image is not None:
                lead_format = self.block_format(bottom=self.em(1.2))
                lead_format.setLineHeight(0, LINE_DISTANCE_HEIGHT)
                cursor.insertBlock(lead_format)
                column = self.em(self.typography.column_em)
                cursor.insertImage(image_format(article.lead_image, image, column))
        cursor.insertBlock(self.block_format())

    def _flatten_before(self, inside: QTextCursor) -> None:
        """The empty line Qt keeps before a frame (a table, a code block) takes no room."""
        before = inside.block().previous()
        if before.isValid() and not before.text():
            flat = QTextCursor(before)
            flat.setBlockFormat(self._empty_block_format())

    def _empty_block_format(self) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(0, FIXED_HEIGHT)
        return fmt

    def _code_frame_format(self) -> QTextFrameFormat:
        frame = QTextFrameFormat()
        frame.setBackground(QColor(self.theme.chrome))
        frame.setPadding(self.em(0.6))
        frame.setBorder(0)
        frame.setTopMargin(self.em(0.2))
        frame.setBottomMargin(self.em(0.9))
        return frame

    def _insert_table(
        self, cursor: QTextCursor, block: Block, offset: int, shift: int, fmt: QTextCharFormat
    ) -> Inserted:
        return insert_table(
            cursor,
            block,
            offset,
            em=self.em(1),
            column_width=self.em(self.typography.column_em),
            colors={"rule": self.theme.muted, "chrome": self.theme.chrome},
            cell_format=fmt,
            insert_text=self._insert_inline_text,
            loader=self.image_loader,
        )

    def _formats_for(self, block: Block) -> tuple[QTextCharFormat, QTextBlockFormat]:
        fmt = self.text_format()
        block_format = self.block_format()
        if block.kind is BlockKind.HEADING:
            block_format.setTopMargin(self.em(0.7))
            block_format.setBottomMargin(self.em(0.4))
            block_format.setLineHeight(125, PROPORTIONAL_HEIGHT)
            fmt = self.heading_format(max(2, block.level))
        elif block.kind is BlockKind.QUOTE:
            block_format.setLeftMargin(self.em(1.5))
            block_format.setRightMargin(self.em(1.0))
            fmt.setFontItalic(True)
        elif block.kind is BlockKind.CODE:
            fmt.setFontFamilies([resolve_family("mono")])
            fmt.setFontPointSize(self.typography.font_size_pt * 0.82)
            block_format.setLineHeight(125, PROPORTIONAL_HEIGHT)
            block_format.setBottomMargin(0)
        elif block.kind is BlockKind.IMAGE:
            fmt = self.text_format(muted=True)
            fmt.setFontPointSize(self.typography.font_size_pt * 0.82)
            # A distance between lines rather than a share of their height: the line that
            # holds the picture would otherwise grow by a third of the picture.
            block_format.setLineHeight(self.em(0.35), LINE_DISTANCE_HEIGHT)
        elif block.kind is BlockKind.TABLE:
            fmt.setFontPointSize(self.typography.font_size_pt * TABLE_TEXT_SCALE)
        elif block.kind is BlockKind.LIST_ITEM:
            block_format.setBottomMargin(self.em(0.3))
        return fmt, block_format

    def _insert_image(self, cursor: QTextCursor, document: QTextDocument, block: Block) -> int:
        """Insert an archived image before its caption; returns the characters added."""
        image = load_image(self.image_loader, document, block.src or "")
        if image is None or not block.src:
            return 0
        column = self.em(self.typography.column_em)
        cursor.insertImage(image_format(block.src, image, column))
        if block.text:
            cursor.insertText(LINE_SEPARATOR)
            return 2
        return 1

    def _insert_inline_text(
        self, cursor: QTextCursor, text: str, inlines: Sequence[Inline], fmt: QTextCharFormat
    ) -> None:
        if not inlines:
            self._insert_text(cursor, text, fmt)
            return
        # Split the text at inline boundaries and give each piece its formats.
        cuts = sorted({0, len(text), *(i.start for i in inlines), *(i.end for i in inlines)})
        for left, right in itertools.pairwise(cuts):
            if not 0 <= left < right <= len(text):
                continue
            piece_format = QTextCharFormat(fmt)
            for inline in inlines:
                if inline.start <= left and right <= inline.end:
                    if inline.kind == "em":
                        piece_format.setFontItalic(True)
                    elif inline.kind == "strong":
                        piece_format.setFontWeight(QFont.Weight.Bold)
                    elif inline.kind == "code":
                        # A size smaller, so the line holding it is no taller than the others.
                        size = piece_format.fontPointSize() or self.typography.font_size_pt
                        piece_format.setFontFamilies([resolve_family("mono")])
                        piece_format.setFontPointSize(size * INLINE_CODE_SCALE)
                    elif inline.kind == "link" and safe_link(inline.href):
                        piece_format = self._link_format(piece_format, str(inline.href))
            self._insert_text(cursor, text[left:right], piece_format)

    @staticmethod
    def _insert_text(cursor: QTextCursor, text: str, fmt: QTextCharFormat) -> None:
        if text.startswith(BYTE_ORDER_MARK):
            # Qt drops a byte order mark that starts an insertion; keep it, so offsets still map.
            start = cursor.position()
            cursor.insertText("x" + text, fmt)
            first = QTextCursor(cursor.document())
            first.setPosition(start)
            first.setPosition(start + 1, QTextCursor.MoveMode.KeepAnchor)
            first.removeSelectedText()
            return
        cursor.insertText(text, fmt)

    def build(self, article: Article) -> Built:
        """The article's document, and how its positions map to `Article.text` offsets."""
        document = self.new_document()
        cursor = QTextCursor(document)
        self._insert_header(cursor, article)
        header_length = cursor.position()

        starts: list[int] = []
        shifts: list[int] = []
        separators: list[tuple[int, str]] = []
        hidden: list[int] = []
        shift = 0
        offset = 0
        current_list = None
        list_ordered = False
        after_table = False
        for index, block in enumerate(article.blocks):
            if index > 0 and not after_table:
                cursor.insertBlock(self.block_format())
            after_table = False
            starts.append(offset)
            fmt, block_format = self._formats_for(block)
            cursor.setBlockFormat(block_format)
            if block.kind is BlockKind.LIST_ITEM:
                if current_list is None or list_ordered != block.ordered:
                    list_format = QTextListFormat()
                    list_format.setStyle(
                        QTextListFormat.Style.ListDecimal
                        if block.ordered
                        else QTextListFormat.Style.ListDisc
                    )
                    list_format.setIndent(max(1, block.level))
                    current_list = cursor.createList(list_format)
                    list_ordered = block.ordered
                else:
                    current_list.add(cursor.block())
            else:
                current_list = None
            if block.kind is BlockKind.TABLE and block.text:
                inserted = self._insert_table(cursor, block, offset, shift, fmt)
                table_start = QTextCursor(document)
                table_start.setPosition(inserted.hidden[0] + 1)
                self._flatten_before(table_start)
                shifts.append(shift)
                for at, extra in inserted.breaks:
                    starts.append(at)
                    shifts.append(shift + extra)
                shift = shifts[-1]
                separators.extend(inserted.separators)
                hidden.extend(inserted.hidden)
                offset += len(block.text) + 1
                after_table = True  # the block after a table is already there
                continue
            if block.kind is BlockKind.IMAGE:
                added = self._insert_image(cursor, document, block)
                hidden.extend(range(cursor.position() - added, cursor.position()))
                shift += added
                if not added and not block.text:
                    # A picture that was not archived and has no caption leaves no gap.
                    cursor.setBlockFormat(self._empty_block_format())
            shifts.append(shift)
            if block.kind is BlockKind.CODE:
                # A padded, shaded frame holding one block with line breaks: every line kept,
                # none joined, and the text clear of the shading's edge.
                hidden.append(cursor.position())  # the character that opens the frame
                frame = cursor.insertFrame(self._code_frame_format())
                self._flatten_before(cursor)
                cursor.setBlockFormat(block_format)
                shift += 1
                shifts[-1] = shift
                start = cursor.position()
                self._insert_inline_text(
                    cursor, block.text.replace("\n", LINE_SEPARATOR), block.inlines, fmt
                )
                separators.extend((start + at, "\n") for at in _line_breaks(block.text))
                cursor.setPosition(frame.lastPosition() + 1)
                after_table = True  # the block after a frame is already there
            else:
                self._insert_inline_text(cursor, block.text, block.inlines, fmt)
            offset += len(block.text) + 1
        separator_of = dict(separators)
        return Built(
            document,
            PositionMap.for_text(article.text, starts, shifts, header_length),
            separator_of,
            sorted({*separator_of, *hidden}),
        )
