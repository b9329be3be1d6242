"""The library list: a lazy list model that fetches rows page by page as the view scrolls."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader.core.library import ArticleSummary, Library

PAGE_SIZE = 200

ArticleIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class LibraryListModel(QAbstractListModel):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self._library = library
        self._rows: list[ArticleSummary] = []
        self._exhausted = False

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._library.list_articles(limit=PAGE_SIZE, offset=0)
        self._exhausted = len(self._rows) < PAGE_SIZE
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        more = self._library.list_articles(limit=PAGE_SIZE, offset=len(self._rows))
        if len(more) < PAGE_SIZE:
            self._exhausted = True
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return summary.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.title
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
