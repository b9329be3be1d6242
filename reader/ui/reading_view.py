"""The reading view: a QTextBrowser showing one article built from its blocks.

The document holds `Article.text`'s characters block by block, in order, after a header (title
and details). Pictures and tables add characters of their own; `PositionMap` keeps those shifts,
so a text offset maps to a document position and back. Code keeps its lines as line breaks inside
one block; a table's cell boundaries stand for its tabs and newlines. Entity mentions are painted
as character formats over those positions.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QHelpEvent,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from reader.core.models import Article, Block, BlockKind, Inline, Mention
from reader.ui.block_render import Inserted, image_format, insert_table, load_image
from reader.ui.language_names import language_name
from reader.ui.position_map import PositionMap
from reader.ui.rich_text import tooltip
from reader.ui.theme import DEFAULT_HIDDEN_GROUPS, THEMES, Theme, Typography, group_of

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
        document = self._new_document()
        cursor = QTextCursor(document)
        cursor.setBlockFormat(self._block_format(top=self._em(5), bottom=self._em(0.6)))
        cursor.insertText(title, self._heading_format(2))
        for line in body.split("\n"):
            cursor.insertBlock(self._block_format(bottom=self._em(0.4)))
            cursor.insertText(line, self._text_format(muted=True))
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

    def _em(self, count: float) -> float:
        return self.typography.font_size_pt * 1.333 * count

    def _base_font(self) -> QFont:
        font = QFont(resolve_family(self.typography.font_family))
        font.setPointSizeF(self.typography.font_size_pt)
        return font

    def _new_document(self) -> QTextDocument:
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self._base_font())
        document.setDocumentMargin(self._em(1.5))
        root = document.rootFrame().frameFormat()
        root.setBackground(QColor(self.theme.page))
        document.rootFrame().setFrameFormat(root)
        return document

    def _block_format(self, top: float = 0.0, bottom: float | None = None) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(self.typography.line_height_pct, PROPORTIONAL_HEIGHT)
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

    def _link_format(self, base: QTextCharFormat, href: str) -> QTextCharFormat:
        fmt = QTextCharFormat(base)
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setForeground(QColor(self.theme.link))
        fmt.setFontUnderline(True)
        return fmt

    def _insert_header(self, cursor: QTextCursor, article: Article) -> None:
        title_format = self._block_format(bottom=self._em(0.5))
        title_format.setLineHeight(118, PROPORTIONAL_HEIGHT)
        cursor.setBlockFormat(title_format)
        cursor.insertText(article.title or "Untitled", self._heading_format(1))
        muted = self._text_format(muted=True)
        muted.setFontPointSize(self.typography.font_size_pt * 0.9)
        details = article.credits()
        if article.published:
            details.append(readable_date(article.published))
        language = language_name(article.lang)
        if language:
            details.append(language)
        details.append(f"{article.reading_minutes} min read")
        cursor.insertBlock(self._block_format(bottom=self._em(1.6)))
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
                lead_format = self._block_format(bottom=self._em(1.2))
                lead_format.setLineHeight(0, LINE_DISTANCE_HEIGHT)
                cursor.insertBlock(lead_format)
                column = self._em(self.typography.column_em)
                cursor.insertImage(image_format(article.lead_image, image, column))
        cursor.insertBlock(self._block_format())

    def _rebuild(self) -> None:
        article = self.article
        assert article is not None
        document = self._new_document()
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
                cursor.insertBlock(self._block_format())
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
        self.position_map = PositionMap.for_text(article.text, starts, shifts, header_length)
        self._separators = dict(separators)
        self._events = sorted({*self._separators, *hidden})
        self._painted = []
        self._paint_mentions(document)
        self.setDocument(document)  # the old one, our child, is deleted by Qt
        self._raw = document.toRawText().encode("utf-16-le", "surrogatepass")
        self._update_margins()
        self.rebuilt.emit()

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
        frame.setPadding(self._em(0.6))
        frame.setBorder(0)
        frame.setTopMargin(self._em(0.2))
        frame.setBottomMargin(self._em(0.9))
        return frame

    def _insert_table(
        self, cursor: QTextCursor, block: Block, offset: int, shift: int, fmt: QTextCharFormat
    ) -> Inserted:
        return insert_table(
            cursor,
            block,
            offset,
            em=self._em(1),
            column_width=self._em(self.typography.column_em),
            colors={"rule": self.theme.muted, "chrome": self.theme.chrome},
            cell_format=fmt,
            insert_text=self._insert_inline_text,
            loader=self.image_loader,
        )

    def _formats_for(self, block: Block) -> tuple[QTextCharFormat, QTextBlockFormat]:
        fmt = self._text_format()
        block_format = self._block_format()
        if block.kind is BlockKind.HEADING:
            block_format.setTopMargin(self._em(0.7))
            block_format.setBottomMargin(self._em(0.4))
            block_format.setLineHeight(125, PROPORTIONAL_HEIGHT)
            fmt = self._heading_format(max(2, block.level))
        elif block.kind is BlockKind.QUOTE:
            block_format.setLeftMargin(self._em(1.5))
            block_format.setRightMargin(self._em(1.0))
            fmt.setFontItalic(True)
        elif block.kind is BlockKind.CODE:
            fmt.setFontFamilies([resolve_family("mono")])
            fmt.setFontPointSize(self.typography.font_size_pt * 0.82)
            block_format.setLineHeight(125, PROPORTIONAL_HEIGHT)
            block_format.setBottomMargin(0)
        elif block.kind is BlockKind.IMAGE:
            fmt = self._text_format(muted=True)
            fmt.setFontPointSize(self.typography.font_size_pt * 0.82)
            # A distance between lines rather than a share of their height: the line that
            # holds the picture would otherwise grow by a third of the picture.
            block_format.setLineHeight(self._em(0.35), LINE_DISTANCE_HEIGHT)
        elif block.kind is BlockKind.TABLE:
            fmt.setFontPointSize(self.typography.font_size_pt * TABLE_TEXT_SCALE)
        elif block.kind is BlockKind.LIST_ITEM:
            block_format.setBottomMargin(self._em(0.3))
        return fmt, block_format

    def _insert_image(self, cursor: QTextCursor, document: QTextDocument, block: Block) -> int:
        """Insert an archived image before its caption; returns the characters added."""
        image = load_image(self.image_loader, document, block.src or "")
        if image is None or not block.src:
            return 0
        column = self._em(self.typography.column_em)
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
