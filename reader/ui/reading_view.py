"""The reading view: a QTextBrowser showing one article built from its blocks.

The document is built by `reader.ui.article_document` with a `PositionMap` beside it, so a text
offset of `Article.text` maps to a document position and back; the view paints entity mentions
as character formats over those positions, scrolls, finds and reports the reading position.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QHelpEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from reader.core.models import Article, Mention
from reader.ui.article_document import (
    ENTITY_PROPERTY,
    ArticleDocumentBuilder,
    readable_date,
    resolve_family,
)
from reader.ui.position_map import PositionMap
from reader.ui.rich_text import tooltip
from reader.ui.theme import DEFAULT_HIDDEN_GROUPS, THEMES, Theme, Typography, group_of

__all__ = ["ReadingView", "readable_date", "resolve_family"]


class ReadingView(QTextBrowser):
    """Shows one article; never loads remote resources; links go to the system browser."""

    link_opened = Signal(str)
    # After the document is replaced (an article shown, new typography or theme, a message
    # page), so overlays such as user highlights can be painted again on the new document.
    rebuilt = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAcceptDrops(False)  # drops are handled by the window
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.typography = Typography()
        self.theme: Theme = THEMES["light"]
        self.article: Article | None = None
        self.mentions: tuple[Mention, ...] = ()
        self.hidden_groups: set[str] = set(DEFAULT_HIDDEN_GROUPS)
        self.entities_shown = True
        self.position_map = PositionMap([0], [0], 0)
        # Given a mention, the tooltip text (set by the window; None shows the label alone).
        self.tooltip_provider: Callable[[Mention], str] | None = None
        # Given an image URL, its archived bytes; the view itself never fetches anything.
        self.image_loader: Callable[[str], bytes | None] | None = None
        self._mention_starts: list[int] = []
        # The document's characters, and the positions that stand for other text: table cell
        # boundaries and code line breaks (a tab or newline), pictures (nothing).
        self._raw = b""
        self._separators: dict[int, str] = {}
        self._events: list[int] = []
        self._painted: list[Mention] = []
        self._apply_palette()

    # -- content --------------------------------------------------------------------------

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802 - Qt override
        # Never fetch anything the article points at; archived images are added as resources.
        return None

    def show_article(self, article: Article, mentions: Iterable[Mention] = ()) -> None:
        self.article = article
        self._set_mention_list(mentions)
        self._rebuild()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.verticalScrollBar().setValue(0)

    def show_message(self, title: str, body: str) -> None:
        """A deliberate page for the empty, loading and error states."""
        self.article = None
        self._set_mention_list(())
        build = self._builder()
        document = build.new_document()
        cursor = QTextCursor(document)
        cursor.setBlockFormat(build.block_format(top=build.em(5), bottom=build.em(0.6)))
        cursor.insertText(title, build.heading_format(2))
        for line in body.split("\n"):
            cursor.insertBlock(build.block_format(bottom=build.em(0.4)))
            cursor.insertText(line, build.text_format(muted=True))
        self.position_map = PositionMap([0], [0], 0)
        self._raw, self._separators, self._events = b"", {}, []
        self.setDocument(document)  # the old one, our child, is deleted by Qt
        self.rebuilt.emit()

    def set_typography(self, typography: Typography, theme: Theme) -> None:
        """Apply new typography or theme at once, keeping the reading position."""
        at_top = self.verticalScrollBar().value() == 0
        offset = self.top_offset() if self.article is not None else 0
        self.typography = typography
        self.theme = theme
        self._apply_palette()
        if self.article is not None:
            self._rebuild()
            self._update_margins()
            if not at_top:  # at the top the title stays in view
                self.scroll_to_offset(offset)
        else:
            self._update_margins()

    def set_mentions(self, mentions: Iterable[Mention]) -> None:
        """Replace the entity marks (for example when recognition finishes) and repaint."""
        self._set_mention_list(mentions)
        if self.article is not None:
            self._paint_mentions(self.document())

    def set_group_visible(self, group: str, visible: bool) -> None:
        if visible:
            self.hidden_groups.discard(group)
        else:
            self.hidden_groups.add(group)
        if self.article is not None:
            self._paint_mentions(self.document())

    def set_entities_shown(self, shown: bool) -> None:
        self.entities_shown = shown
        if self.article is not None:
            self._paint_mentions(self.document())

    def visible_mentions(self) -> list[Mention]:
        if not self.entities_shown:
            return []
        return [m for m in self.mentions if self._shown(m)]

    def _set_mention_list(self, mentions: Iterable[Mention]) -> None:
        self.mentions = tuple(sorted(mentions, key=lambda m: (m.start, m.end)))
        self._mention_starts = [m.start for m in self.mentions]

    def mention_at(self, offset: int) -> Mention | None:
        """The shown mention covering text `offset`, if any."""
        index = bisect.bisect_right(self._mention_starts, offset) - 1
        # Mentions rarely overlap; looking a few back covers the overlaps there are.
        for candidate in self.mentions[max(0, index - 3) : index + 1][::-1]:
            if candidate.start <= offset < candidate.end and self._shown(candidate):
                return candidate
        return None

    def _shown(self, mention: Mention) -> bool:
        return self.entities_shown and group_of(mention.label) not in self.hidden_groups

    # -- positions ------------------------------------------------------------------------

    def cursor_for(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        self._select(cursor, start, end)
        return cursor

    def text_range(self, start: int, end: int) -> str:
        """The text the view shows between two article offsets (images are not text)."""
        first = self.position_map.to_position(start)
        last = max(first, self.position_map.to_position(end, end=True))
        # Document positions count UTF-16 units, as the raw text encoded so does.
        raw = self._raw
        events = self._events[
            bisect.bisect_left(self._events, first) : bisect.bisect_left(self._events, last)
        ]
        pieces: list[str] = []
        previous = first
        for position in [*events, last]:
            pieces.append(raw[2 * previous : 2 * position].decode("utf-16-le"))
            if position < last:
                pieces.append(self._separators.get(position, ""))
            previous = position + 1
        return "".join(pieces).replace("\u2029", "\n").replace("\ufdd1", "\n")

    def select_range(self, start: int, end: int) -> None:
        """Select `Article.text[start:end]` and scroll it into view."""
        self.setTextCursor(self.cursor_for(start, end))
        self.ensureCursorVisible()

    def top_offset(self) -> int:
        """Text offset of the first character visible at the top of the view."""
        if self.article is None:
            return 0
        cursor = self.cursorForPosition(self.viewport().rect().topLeft())
        return min(self.position_map.to_offset(cursor.position()), len(self.article.text))

    def progress(self) -> float:
        """How far the reader got, 0..1, by text offset (survives font and width changes)."""
        if self.article is None or not self.article.text:
            return 0.0
        bar = self.verticalScrollBar()
        if bar.maximum() > 0 and bar.value() >= bar.maximum():
            return 1.0
        if bar.value() <= 0:
            return 0.0
        return self.top_offset() / len(self.article.text)

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so the line holding text `offset` is at the top of the view."""
        if self.article is None:
            return
        document = self.document()
        position = self.position_map.to_position(max(0, min(offset, len(self.article.text))))
        block = document.findBlock(position)
        layout = document.documentLayout()
        top = layout.blockBoundingRect(block).top()  # lays the document out up to the block
        line_layout = block.layout()
        line = line_layout.lineForTextPosition(position - block.position())
        if line.isValid():
            top += line.y()
        self.verticalScrollBar().setValue(int(top))

    def scroll_to_progress(self, fraction: float) -> None:
        if self.article is None:
            return
        if fraction <= 0.0:
            self.verticalScrollBar().setValue(0)  # the very top, with the title
            return
        if fraction >= 1.0:
            self.document().documentLayout().documentSize()  # finish the layout first
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
            return
        self.scroll_to_offset(int(fraction * len(self.article.text)))

    def find_in_article(self, text: str, backward: bool = False) -> bool:
        """Select the next (or previous) match of `text`, wrapping around; False if none."""
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        self.setTextCursor(cursor)
        return self.find(text, flags)

    def count_matches(self, text: str) -> int:
        if not text or self.article is None:
            return 0
        return self.article.text.lower().count(text.lower())

    # -- building -------------------------------------------------------------------------

    def _builder(self) -> ArticleDocumentBuilder:
        return ArticleDocumentBuilder(self.typography, self.theme, self.image_loader, self)

    def _em(self, count: float) -> float:
        return self._builder().em(count)

    def _rebuild(self) -> None:
        assert self.article is not None
        built = self._builder().build(self.article)
        self.position_map = built.position_map
        self._separators, self._events = built.separators, built.events
        self._painted = []
        self._paint_mentions(built.document)
        self.setDocument(built.document)  # the old one, our child, is deleted by Qt
        self._raw = built.document.toRawText().encode("utf-16-le", "surrogatepass")
        self._update_margins()
        self.rebuilt.emit()

    def _paint_mentions(self, document: QTextDocument) -> None:
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        if self._painted:
            clear = QTextCharFormat()
            clear.setBackground(QBrush())
            clear.setProperty(ENTITY_PROPERTY, "")
            for mention in self._painted:
                self._select(cursor, mention.start, mention.end)
                cursor.mergeCharFormat(clear)
        painted: list[Mention] = []
        formats: dict[str, QTextCharFormat] = {}
        for mention in self.visible_mentions():
            group = group_of(mention.label)
            fmt = formats.get(group)
            if fmt is None:
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(self.theme.entity.get(group, self.theme.selection)))
                fmt.setProperty(ENTITY_PROPERTY, group)
                formats[group] = fmt
            self._select(cursor, mention.start, mention.end)
            cursor.mergeCharFormat(fmt)
            painted.append(mention)
        cursor.endEditBlock()
        self._painted = painted

    def _select(self, cursor: QTextCursor, start: int, end: int) -> None:
        first = self.position_map.to_position(start)
        last = max(first, self.position_map.to_position(end, end=True))
        cursor.setPosition(first)
        cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)

    # -- look -----------------------------------------------------------------------------

    def _apply_palette(self) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(self.theme.page))
        palette.setColor(QPalette.ColorRole.Window, QColor(self.theme.page))
        palette.setColor(QPalette.ColorRole.Text, QColor(self.theme.text))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(self.theme.selection))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor(self.theme.text))
        palette.setColor(QPalette.ColorRole.Link, QColor(self.theme.link))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.viewport().setAutoFillBackground(True)
        self.setStyleSheet(
            f"QTextBrowser {{ background: {self.theme.page}; border: none; }}"
            f"QScrollBar:vertical {{ background: {self.theme.page}; width: 10px; margin: 0; }}"
            f"QScrollBar::handle:vertical {{ background: {self.theme.muted}; min-height: 30px;"
            " border-radius: 4px; margin: 2px; }"
            "QScrollBar::add-line, QScrollBar::sub-line { height: 0; }"
            "QScrollBar::add-page, QScrollBar::sub-page { background: none; }"
        )

    def _update_margins(self) -> None:
        column_px = int(self._em(self.typography.column_em) + 2 * self.document().documentMargin())
        side = max(0, (self.width() - column_px - self.verticalScrollBar().width()) // 2)
        self.setViewportMargins(side, 0, side, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._update_margins()
        super().resizeEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, point: object) -> str | None:
        """The tooltip for the entity under `point`: escaped, so a name shows as written."""
        said = self.mention_text_at(point)
        return None if said is None else tooltip(said)

    def mention_text_at(self, point: object) -> str | None:
        """What the view says (as plain text) about the entity under `point`, if any."""
        if self.article is None:
            return None
        position = self.cursorForPosition(point).position()  # type: ignore[arg-type]
        mention = self.mention_at(self.position_map.to_offset(position))
        if mention is None:
            return None
        if self.tooltip_provider is not None:
            return self.tooltip_provider(mention)
        return mention.label

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            self.link_opened.emit(url.toString())
            QDesktopServices.openUrl(url)
