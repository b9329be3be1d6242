"""Every highlight in the library, newest first, searchable by quote and note."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.ui.highlights.look import AnnotationIdRole, ArticleIdRole, color_icon, preview
from reader.ui.rich_text import plain_label

SEARCH_DELAY_MS = 200


class AllHighlightsDialog(QDialog):
    """Every highlight in the library, newest first, searchable by quote and note."""

    open_requested = Signal(int, str)  # article id, annotation id

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle("All Highlights")
        self.resize(560, 620)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search quotes and notes…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemDoubleClicked.connect(self._on_activated)
        layout.addWidget(self.list, 1)
        self.count = plain_label(QLabel())
        layout.addWidget(self.count)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        query = self.search.text().strip() or None
        found = self.library.all_annotations(query)
        self.list.clear()
        for item in found:
            annotation = item.annotation
            lines = [preview(annotation.exact), f"— {preview(item.article_title, 80)}"]
            if annotation.note.strip():
                lines.insert(1, "✎ " + preview(annotation.note, 120))
            row = QListWidgetItem(color_icon(annotation.color), "\n".join(lines))
            row.setData(AnnotationIdRole, annotation.id)
            row.setData(ArticleIdRole, item.article_id)
            self.list.addItem(row)
        self.count.setText(f"{len(found)} highlights" if found else "No highlights found.")

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(int(item.data(ArticleIdRole)), str(item.data(AnnotationIdRole)))
