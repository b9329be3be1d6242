"""The reading view: a QTextBrowser showing one article built from its blocks.

The document is built so that its characters are `Article.text`'s characters, block by block, in
the same order: a document position equals a text offset, plus the object characters inserted
for images before the offset (kept in `PositionMap`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextListFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from reader.core.models import Article, BlockKind, Mention
from reader.ui.theme import LABEL_GROUPS, THEMES, Theme, Typography

SERIF_FAMILIES = (
    "Georgia",
    "Charter",
    "Source Serif 4",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
)
HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}


@dataclass(slots=True)
class PositionMap:
    """Maps offsets in `Article.text` to document positions and back."""

    block_starts: list[int]  # offset in the text where each article block starts
    shifts: list[int]  # extra document characters before each article block's text
    header_length: int  # characters of the header (title, byline) before the body

    def to_position(self, offset: int) -> int:
        index = max(0, bisect.bisect_right(self.block_starts, offset) - 1)
        shift = self.shifts[index] if self.shifts else 0
        return self.header_length + offset + shift

    def to_offset(self, position: int) -> int:
        body = position - self.header_length
        best = 0
        for index, start in enumerate(self.block_starts):
            if start + self.shifts[index] <= body:
                best = index
            else:
                break
        shift = self.shifts[best] if self.shifts else 0
        return max(0, body - shift)


def resolve_family(name: str) -> str:
    generic = {
        "serif": QFontDatabase.SystemFont.GeneralFont,
        "sans": QFontDatabase.SystemFont.GeneralFont,
        "mono": QFontDatabase.SystemFont.FixedFont,
    }
    if name == "serif":
        families = set(QFontDatabase.families())
        for candidate in SERIF_FAMILIES:
            if candidate in families:
                return candidate
        return "serif"
    if name in generic:
        return QFontDatabase.systemFont(generic[name]).family()
    return name


class ReadingView(QTextBrowser):
    """Shows one article; never loads remote resources; links go to the system browser."""

    link_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.typography = Typography()
        self.theme: Theme = THEMES["light"]
        self.article: Article | None = None
        self.mentions: tuple[Mention, ...] = ()
        self.position_map = PositionMap([0], [0], 0)
        self._apply_palette()

    # -- content --------------------------------------------------------------------------

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802 - Qt override
        # Never fetch anything the article points at; archived images arrive as resources.
        return None

    def show_article(self, article: Article, mentions: Iterable[Mention] = ()) -> None:
        self.article = article
        self.mentions = tuple(mentions)
        self._rebuild()

    def show_message(self, title: str, body: str) -> None:
        self.article = None
        self.mentions = ()
        document = self._new_document()
        cursor = QTextCursor(document)
        cursor.setBlockFormat(self._block_format(top=self._em(4)))
        cursor.insertText(title, self._heading_format(1))
        cursor.insertBlock(self._block_format())
        cursor.insertText(body, self._text_format(muted=True))
        self.setDocument(document)

    def set_typography(self, typography: Typography, theme: Theme) -> None:
        self.typography = typography
        self.theme = theme
        self._apply_palette()
        self._update_margins()
        if self.article is not None:
            self._rebuild()

    def set_mentions(self, mentions: Iterable[Mention]) -> None:
        self.mentions = tuple(mentions)
        if self.article is not None:
            self._paint_mentions(self.document())

    def text_range(self, start: int, end: int) -> str:
        """The text the view shows between two article offsets (used to check the mapping)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.position_map.to_position(start))
        cursor.setPosition(self.position_map.to_position(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

    # -- building -------------------------------------------------------------------------

    def _em(self, count: float) -> float:
        return self.typography.font_size_pt * 1.333 * count

    def _base_font(self) -> QFont:
        font = QFont(resolve_family(self.typography.font_family))
        font.setPointSizeF(self.typography.font_size_pt)
        return font

    def _new_document(self) -> QTextDocument:
        document = QTextDocument(self)
        document.setDefaultFont(self._base_font())
        document.setDocumentMargin(self._em(1.5))
        root = document.rootFrame().frameFormat()
        root.setBackground(QColor(self.theme.page))
        document.rootFrame().setFrameFormat(root)
        return document

    def _block_format(self, top: float = 0.0, bottom: float | None = None) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(self.typography.line_height_pct, 1)  # ProportionalHeight
        fmt.setTopMargin(top)
        fmt.setBottomMargin(self._em(0.8) if bottom is None else bottom)
        return fmt

    def _text_format(self, muted: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(self.theme.muted if muted else self.theme.text))
        return fmt

    def _heading_format(self, level: int) -> QTextCharFormat:
        fmt = self._text_format()
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontPointSize(self.typography.font_size_pt * HEADING_SCALE.get(level, 1.0))
        return fmt

    def _rebuild(self) -> None:
        article = self.article
        assert article is not None
        document = self._new_document()
        cursor = QTextCursor(document)
        # Header: title, then a muted line with byline, site, date and reading time.
        title_format = self._block_format(bottom=self._em(0.4))
        title_format.setLineHeight(115, 1)
        cursor.setBlockFormat(title_format)
        cursor.insertText(article.title or "Untitled", self._heading_format(1))
        details = [p for p in (article.byline, article.site_name, article.published) if p]
        details.append(f"{article.reading_minutes} min read")
        cursor.insertBlock(self._block_format(bottom=self._em(1.4)))
        cursor.insertText(" · ".join(details), self._text_format(muted=True))
        cursor.insertBlock(self._block_format())
        header_length = cursor.position()

        starts: list[int] = []
        shifts: list[int] = []
        shift = 0
        offset = 0
        current_list = None
        for index, block in enumerate(article.blocks):
            if index > 0:
                cursor.insertBlock(self._block_format())
            starts.append(offset)
            fmt = self._text_format()
            block_format = self._block_format()
            if block.kind is BlockKind.HEADING:
                block_format.setTopMargin(self._em(0.6))
                block_format.setLineHeight(120, 1)
                fmt = self._heading_format(max(2, block.level))
            elif block.kind is BlockKind.QUOTE:
                block_format.setLeftMargin(self._em(1.5))
                fmt.setFontItalic(True)
            elif block.kind is BlockKind.CODE:
                fmt.setFontFamilies([resolve_family("mono")])
                fmt.setFontPointSize(self.typography.font_size_pt * 0.85)
                block_format.setLineHeight(120, 1)
            elif block.kind is BlockKind.IMAGE:
                fmt = self._text_format(muted=True)
                fmt.setFontPointSize(self.typography.font_size_pt * 0.85)
            cursor.setBlockFormat(block_format)
            if block.kind is BlockKind.LIST_ITEM:
                if current_list is None:
                    list_format = QTextListFormat()
                    list_format.setStyle(
                        QTextListFormat.Style.ListDecimal
                        if block.ordered
                        else QTextListFormat.Style.ListDisc
                    )
                    list_format.setIndent(max(1, block.level))
                    current_list = cursor.createList(list_format)
                else:
                    current_list.add(cursor.block())
            else:
                current_list = None
            shifts.append(shift)
            self._insert_inline_text(cursor, block.text, block.inlines, fmt)
            offset += len(block.text) + 1
        self.position_map = PositionMap(starts or [0], shifts or [0], header_length)
        self._paint_mentions(document)
        self.setDocument(document)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _insert_inline_text(self, cursor: QTextCursor, text: str, inlines, fmt) -> None:
        if not inlines:
            cursor.insertText(text, fmt)
            return
        # Split the text at inline boundaries and give each piece its formats.
        cuts = sorted({0, len(text), *(i.start for i in inlines), *(i.end for i in inlines)})
        for left, right in itertools.pairwise(cuts):
            piece_format = QTextCharFormat(fmt)
            for inline in inlines:
                if inline.start <= left and right <= inline.end:
                    if inline.kind == "em":
                        piece_format.setFontItalic(True)
                    elif inline.kind == "strong":
                        piece_format.setFontWeight(QFont.Weight.Bold)
                    elif inline.kind == "code":
                        piece_format.setFontFamilies([resolve_family("mono")])
                    elif inline.kind == "link" and inline.href:
                        piece_format.setAnchor(True)
                        piece_format.setAnchorHref(inline.href)
                        piece_format.setForeground(QColor(self.theme.link))
                        piece_format.setFontUnderline(True)
            cursor.insertText(text[left:right], piece_format)

    def _paint_mentions(self, document: QTextDocument) -> None:
        cursor = QTextCursor(document)
        for mention in self.mentions:
            group = LABEL_GROUPS.get(mention.label)
            colour = self.theme.entity.get(group or "")
            if not colour or group == "NUMBER":
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colour))
            fmt.setToolTip(mention.label)
            cursor.setPosition(self.position_map.to_position(mention.start))
            cursor.setPosition(
                self.position_map.to_position(mention.end), QTextCursor.MoveMode.KeepAnchor
            )
            cursor.mergeCharFormat(fmt)

    # -- look -----------------------------------------------------------------------------

    def _apply_palette(self) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(self.theme.page))
        palette.setColor(QPalette.ColorRole.Window, QColor(self.theme.page))
        palette.setColor(QPalette.ColorRole.Text, QColor(self.theme.text))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(self.theme.selection))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor(self.theme.text))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.viewport().setAutoFillBackground(True)

    def _update_margins(self) -> None:
        column_px = int(self._em(self.typography.column_em) + 2 * self.document().documentMargin())
        side = max(0, (self.width() - column_px - self.verticalScrollBar().width()) // 2)
        self.setViewportMargins(side, 0, side, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._update_margins()
        super().resizeEvent(event)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            self.link_opened.emit(url.toString())
            QDesktopServices.openUrl(url)
