"""The library list: a lazy model that fetches rows page by page, and the delegate that draws them.

A new query (search text, filter, sort) runs its first page off the GUI thread; later pages are
small indexed reads done as the view scrolls (`fetchMore`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.core.library import ArticleSummary
from reader.core.models import WORDS_PER_MINUTE
from reader.ui.library_access import LibraryAccess, list_page
from reader.ui.reading_view import readable_date
from reader.ui.rich_text import tooltip
from reader.ui.tasks import TaskRunner
from reader.ui.theme import THEMES, Theme

PAGE_SIZE = 200
PROGRESS_BAR_PX = 2  # the reading progress under a row
EXCERPT_CACHE_ROWS = 2000

ArticleIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def reading_minutes(word_count: int) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE))


def short_date(value: str | None) -> str:
    return readable_date(value) if value else ""


def detail_line(summary: ArticleSummary) -> str:
    parts = [summary.site_name or "", short_date(summary.published or summary.added_at)]
    parts.append(f"{reading_minutes(summary.word_count)} min")
    return " · ".join(p for p in parts if p)


class LibraryListModel(QAbstractListModel):
    """Rows of `ArticleSummary` for the current query, loaded a page at a time."""

    query_applied = Signal()  # the first page of the current query is in
    query_failed = Signal(str)  # a message a person can read (a malformed query, say)

    def __init__(self, access: LibraryAccess, tasks: TaskRunner | None = None) -> None:
        super().__init__()
        self._access = access
        self._tasks = tasks
        self._rows: list[ArticleSummary] = []
        self._hidden: set[int] = set()
        self._exhausted = True
        self._fetched = 0
        self._fetching = False
        self.query = ""
        self.sort = "newest"
        self._generation = 0

    # -- queries --------------------------------------------------------------------------

    def set_query(self, query: str, sort: str | None = None, background: bool = True) -> None:
        """Show the articles matching `query`; the first page loads off the GUI thread."""
        self.query = query
        if sort is not None:
            self.sort = sort
        # Rows hidden so far were changed in the library before this query reads it; the Trash
        # must show a deleted article, the list a restored one.
        self._hidden.clear()
        self._generation += 1
        generation = self._generation
        query, sort_key = self.query, self.sort
        # The window's library, read through the worker thread's own connection.
        library = self._access.library
        if not background or self._tasks is None:
            try:
                rows = self._access.list_page(query, sort_key, PAGE_SIZE, 0)
            except Exception as exc:
                self.query_failed.emit(str(exc))
                return
            self._apply(generation, rows)
            return

        def work() -> Sequence[ArticleSummary]:
            return list_page(library, query, sort_key, PAGE_SIZE, 0)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.query_failed.emit(str(exc))

        self._tasks.run(work, on_done=lambda rows: self._apply(generation, rows), on_error=failed)

    def reload(self) -> None:
        """Re-run the current query now (after an add, delete or state change)."""
        self.set_query(self.query, self.sort, background=False)

    def _apply(self, generation: int, rows: Sequence[ArticleSummary]) -> None:
        if generation != self._generation:
            return  # a newer query was asked for while this one ran
        self.beginResetModel()
        self._rows = [r for r in rows if r.id not in self._hidden]
        self._fetched = len(rows)
        self._fetching = False
        self._exhausted = len(rows) < PAGE_SIZE
        self.endResetModel()
        self.query_applied.emit()

    def hide_article(self, article_id: int) -> None:
        """Drop a row at once (a deleted article), without waiting for a reload."""
        self._hidden.add(article_id)
        row = self.row_of(article_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def unhide_article(self, article_id: int) -> None:
        self._hidden.discard(article_id)

    def update_summary(self, article_id: int, **changes: object) -> None:
        row = self.row_of(article_id)
        if row is None:
            return
        self._rows[row] = replace(self._rows[row], **changes)  # type: ignore[arg-type]
        index = self.index(row)
        self.dataChanged.emit(index, index)

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted or self._fetching:
            return
        query, sort_key, offset = self.query, self.sort, self._fetched
        if self._tasks is None or not query.strip():
            # The plain list is an indexed read of one page: quick enough to do right here.
            try:
                more = self._access.list_page(query, sort_key, PAGE_SIZE, offset)
            except Exception as exc:
                self._exhausted = True
                self.query_failed.emit(str(exc))
                return
            self._append(more)
            return
        # A search re-runs its full-text match for every page: that belongs off the GUI thread.
        self._fetching = True
        generation, library = self._generation, self._access.library

        def work() -> Sequence[ArticleSummary]:
            return list_page(library, query, sort_key, PAGE_SIZE, offset)

        def done(more: Sequence[ArticleSummary]) -> None:
            if generation == self._generation:
                self._fetching = False
                self._append(more)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._fetching = False
                self._exhausted = True
                self.query_failed.emit(str(exc))

        self._tasks.run(work, on_done=done, on_error=failed)

    def _append(self, more: Sequence[ArticleSummary]) -> None:
        self._fetched += len(more)
        if len(more) < PAGE_SIZE:
            self._exhausted = True
        known = {r.id for r in self._rows[-PAGE_SIZE:]}
        fresh = [r for r in more if r.id not in self._hidden and r.id not in known]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        summary = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return summary.title
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{summary.title}\n{detail_line(summary)}"
            snippet = getattr(summary, "marked_snippet", None)  # a search hit says where
            return tooltip(f"{tip}\n\n{snippet('«', '»')}" if snippet is not None else tip)
        if role == ArticleIdRole:
            return summary.id
        if role == SummaryRole:
            return summary
        return None

    def row_of(self, article_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == article_id:
                return row
        return None

    def article_ids(self) -> list[int]:
        return [r.id for r in self._rows]


class ArticleDelegate(QStyledItemDelegate):
    """Three lines per article: title (bold while unread, with a dot); site, date, minutes; a
    line of the excerpt. A thin bar along the bottom shows how far it was read."""

    def __init__(self, theme: Callable[[], Theme] | None = None) -> None:
        super().__init__()
        self._theme = theme or (lambda: THEMES["light"])
        # Excerpts are long; eliding one costs more than painting it, so each is elided once
        # per width (the cache is dropped when it grows past a few screens of rows).
        self._excerpts: dict[tuple[int, int, str], str] = {}

    def _excerpt(self, summary: ArticleSummary, metrics: QFontMetrics, width: int) -> str:
        if not summary.excerpt:
            return ""
        key = (summary.id, width, summary.excerpt[:40])
        found = self._excerpts.get(key)
        if found is None:
            if len(self._excerpts) > EXCERPT_CACHE_ROWS:
                self._excerpts.clear()
            flat = " ".join(summary.excerpt[: width // 2].split())  # more than fits in the line
            found = metrics.elidedText(flat, Qt.TextElideMode.ElideRight, width)
            self._excerpts[key] = found
        return found

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        return QSize(200, int(metrics.height() * 3.25 + metrics.height() * 1.3))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        summary = index.data(SummaryRole)
        if summary is None:
            super().paint(painter, option, index)
            return
        theme = self._theme()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        painter.save()
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor(theme.selection))
        elif state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(theme.selection)
            hover.setAlpha(90)
            painter.fillRect(rect, hover)
        font = QFont(option.font)  # type: ignore[attr-defined]
        metrics = QFontMetrics(font)
        pad = metrics.height() // 2
        dot_room = metrics.height()
        left = rect.left() + pad + dot_room
        width = rect.width() - 2 * pad - dot_room
        top = rect.top() + pad
        if summary.unread:
            size = max(6, metrics.height() // 3)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.accent))
            centre_y = top + metrics.height() // 2
            painter.drawEllipse(rect.left() + pad + (dot_room - size) // 2 - 2,
                                centre_y - size // 2, size, size)  # fmt: skip
        title_font = QFont(font)
        title_font.setBold(summary.unread)
        painter.setFont(title_font)
        painter.setPen(QColor(theme.text))
        star = " ★" if summary.favorite else ""
        title = QFontMetrics(title_font).elidedText(
            summary.title + star, Qt.TextElideMode.ElideRight, width
        )
        painter.drawText(left, top, width, metrics.height(), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(font)
        painter.setPen(QColor(theme.muted))
        details = detail_line(summary) + ("  · archived" if summary.archived else "")
        details = metrics.elidedText(details, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            left, top + int(metrics.height() * 1.25), width, metrics.height(),
            Qt.AlignmentFlag.AlignLeft, details,
        )  # fmt: skip
        excerpt = self._excerpt(summary, metrics, width)
        if excerpt:
            painter.setPen(QColor(theme.text))
            painter.drawText(
                left, top + int(metrics.height() * 2.5), width, metrics.height(),
                Qt.AlignmentFlag.AlignLeft,
                excerpt,
            )  # fmt: skip
        progress = min(max(float(summary.read_progress or 0.0), 0.0), 1.0)
        if progress > 0:
            bar = QRect(left, rect.bottom() - PROGRESS_BAR_PX - 1, int(width * progress),
                        PROGRESS_BAR_PX)  # fmt: skip
            painter.fillRect(bar, QColor(theme.accent))
        painter.restore()
