"""The Highlights panel: the open article's highlights in text order, with their notes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from reader.core.anchoring import COLORS
from reader.core.models import Annotation
from reader.ui.controllers.highlights import HighlightController
from reader.ui.highlights.look import COLOR_NAMES, AnnotationIdRole, color_icon, preview
from reader.ui.rich_text import note_document, plain_label, tooltip

PANEL_MIN_WIDTH_PX = 200


class AnnotationsPanel(QWidget):
    """The article's highlights in text order; orphans last, with a way to attach them again."""

    all_requested = Signal()

    def __init__(self, controller: HighlightController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setMinimumWidth(PANEL_MIN_WIDTH_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        header = QHBoxLayout()
        self.title = plain_label(QLabel("Highlights"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        header.addWidget(self.title, 1)
        self.all_button = QPushButton("All…")
        self.all_button.setToolTip("Highlights across the library (Ctrl+Shift+H)")
        self.all_button.clicked.connect(self.all_requested.emit)
        header.addWidget(self.all_button)
        layout.addLayout(header)

        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.itemClicked.connect(self._on_item_clicked)
        layout.addWidget(self.list, 1)
        self.empty = QLabel("Select text and press H to highlight it.")
        self.empty.setWordWrap(True)
        self.empty.setEnabled(False)
        layout.addWidget(self.empty)

        colours = QHBoxLayout()
        colours.setSpacing(2)
        self.color_buttons: dict[str, QToolButton] = {}
        for color in COLORS:
            button = QToolButton()
            button.setIcon(color_icon(color))
            button.setToolTip(f"Colour: {COLOR_NAMES[color]}")
            button.setAutoRaise(True)
            button.clicked.connect(lambda _c=False, c=color: self._on_color(c))
            colours.addWidget(button)
            self.color_buttons[color] = button
        colours.addStretch(1)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._on_delete)
        colours.addWidget(self.delete_button)
        layout.addLayout(colours)
        self.attach_button = QPushButton("Attach to Selection")
        self.attach_button.setToolTip("Place this highlight on the text selected in the article")
        self.attach_button.clicked.connect(self._on_attach)
        layout.addWidget(self.attach_button)

        # The note as it reads (Markdown rendered, nothing loaded); the box below edits it.
        self.note_view = QTextBrowser()
        self.note_view.setOpenLinks(False)
        self.note_view.setMaximumHeight(110)
        self.note_view.hide()
        self._note_document: QTextDocument | None = None
        layout.addWidget(self.note_view)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("Note (Markdown)… saved when you leave the box")
        self.note_edit.setMaximumHeight(110)
        self.note_edit.installEventFilter(self)
        self._note_for: str | None = None  # the highlight whose note the box holds
        layout.addWidget(self.note_edit)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.note_edit)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        save_shortcut.activated.connect(self.save_note)
        self.save_note_button = QPushButton("Save Note")
        self.save_note_button.clicked.connect(self.save_note)
        layout.addWidget(self.save_note_button)

        controller.changed.connect(self.refresh)
        controller.note_requested.connect(self.edit_note)
        self.refresh()

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(AnnotationIdRole))

    def refresh(self) -> None:
        keep = self.selected_id()
        self.list.blockSignals(True)
        self.list.clear()
        annotations = self.controller.annotations
        for annotation in annotations:
            lines = [preview(annotation.exact)]
            if annotation.note.strip():  # as it reads, without its Markdown marks
                lines.append("✎ " + preview(note_document(annotation.note).toPlainText(), 100))
            if annotation.orphaned:
                lines.insert(0, "Not found in this version — select text, then Attach")
            item = QListWidgetItem(color_icon(annotation.color), "\n".join(lines))
            item.setData(AnnotationIdRole, annotation.id)
            item.setToolTip(tooltip(annotation.exact if not annotation.note else annotation.note))
            if annotation.orphaned:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
            if annotation.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        orphans = len(self.controller.orphans)
        title = f"Highlights ({len(annotations)})" if annotations else "Highlights"
        if orphans:
            title += f" · {orphans} not found"
        self.title.setText(title)
        self.empty.setVisible(not annotations and self.controller.article_id is not None)
        self._update_tools()

    def _update_tools(self) -> None:
        annotation = self._selected()
        for color, button in self.color_buttons.items():
            button.setEnabled(annotation is not None)
            button.setDown(annotation is not None and annotation.color == color)
        self.delete_button.setEnabled(annotation is not None)
        self.attach_button.setEnabled(annotation is not None)
        self.attach_button.setVisible(annotation is not None and annotation.orphaned)
        self.note_edit.setEnabled(annotation is not None)
        self.save_note_button.setEnabled(annotation is not None)
        text = annotation.note if annotation is not None else ""
        self._show_note(text)
        if not self.note_edit.hasFocus():
            self._note_for = annotation.id if annotation is not None else None
            if self.note_edit.toPlainText() != text:
                self.note_edit.setPlainText(text)

    def _show_note(self, note: str) -> None:
        if not note.strip():
            self.note_view.hide()
            return
        self._note_document = note_document(note)  # kept: the view does not own it
        self.note_view.setDocument(self._note_document)
        self.note_view.show()

    def _selected(self) -> Annotation | None:
        selected = self.selected_id()
        return None if selected is None else self.controller.find(selected)

    def select(self, annotation_id: str) -> bool:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(AnnotationIdRole) == annotation_id:
                self.list.setCurrentItem(item)
                return True
        return False

    def reveal(self, annotation_id: str) -> None:
        """Select a highlight in the list and scroll the article to it."""
        self.select(annotation_id)
        annotation = self.controller.find(annotation_id)
        if annotation is not None and not annotation.orphaned:
            self.controller.view.scroll_to_offset(annotation.start)

    def edit_note(self, annotation_id: str) -> None:
        if self.select(annotation_id):
            self.note_edit.setFocus()

    def save_note(self) -> None:
        if self._note_for is not None:
            self.controller.set_note(self._note_for, self.note_edit.toPlainText().strip())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.FocusOut
            and watched is self.note_edit
            and isValid(self.note_edit)  # focus also leaves while the window is destroyed
        ):
            note_for, text = self._note_for, self.note_edit.toPlainText().strip()
            if note_for is not None:
                # Saved after the event: saving refreshes the list, which may have the focus now.
                QTimer.singleShot(0, lambda: self.controller.set_note(note_for, text))
        return False

    def _on_current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.note_edit.clearFocus()
        self._update_tools()

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self.reveal(str(item.data(AnnotationIdRole)))

    def _on_color(self, color: str) -> None:
        selected = self.selected_id()
        if selected is not None:
            self.controller.set_color(selected, color)

    def _on_delete(self) -> None:
        selected = self.selected_id()
        if selected is not None:
            self.controller.delete(selected)

    def _on_attach(self) -> None:
        selected = self.selected_id()
        if selected is not None and not self.controller.reattach(selected):
            self.controller.failed.emit("Select the words in the article first, then Attach.")
