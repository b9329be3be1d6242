"""Find in the article: a bar under the reading view (Ctrl+F, Enter / Shift+Enter, Escape)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from reader.ui.reading_view import ReadingView
from reader.ui.rich_text import plain_label


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, view: ReadingView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in article")
        self.field.setClearButtonEnabled(True)
        self.count_label = plain_label(QLabel())
        previous_button = QPushButton("↑")
        previous_button.setToolTip("Previous match (Shift+Enter)")
        next_button = QPushButton("↓")
        next_button.setToolTip("Next match (Enter)")
        close_button = QPushButton("✕")
        close_button.setToolTip("Close (Escape)")
        for button in (previous_button, next_button, close_button):
            button.setFixedWidth(32)
            button.setFlat(True)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(previous_button)
        layout.addWidget(next_button)
        layout.addWidget(close_button)
        self.field.installEventFilter(self)
        self.field.textChanged.connect(self._on_text_changed)
        self.field.returnPressed.connect(self.find_next)
        previous_button.clicked.connect(self.find_previous)
        next_button.clicked.connect(self.find_next)
        close_button.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, backward: bool) -> bool:
        found = self.view.find_in_article(self.field.text(), backward=backward)
        self._show_count(found)
        return found

    def _on_text_changed(self, text: str) -> None:
        # Search from the top of the current selection so typing refines the same match.
        cursor = self.view.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.view.setTextCursor(cursor)
        self._show_count(self.view.find_in_article(text) if text else True)

    def _show_count(self, found: bool) -> None:
        text = self.field.text()
        if not text:
            self.count_label.setText("")
        elif not found:
            self.count_label.setText("No matches")
        else:
            count = self.view.count_matches(text)
            self.count_label.setText(f"{count} match{'es' if count != 1 else ''}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.field and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if (
                event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.find_previous()
                return True
        return super().eventFilter(watched, event)
