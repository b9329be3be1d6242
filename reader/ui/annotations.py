"""Highlights and notes in the app: painting, actions with undo, the panel and the library view.

Highlights are drawn as the reading view's extra selections (a stronger background with an
underline in a deeper shade), not as character formats: entity marks keep their own pale
background in the document, so where both cover the same words both stay visible, and
repainting one never erases the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
    QTextCharFormat,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reader.core.annotations import (
    COLORS,
    at_offset,
    current_annotations,
    in_text_order,
    library_reanchor,
    new_annotation,
    reanchor_stale,
    reattach,
)
from reader.core.errors import ReadmarkError
from reader.core.exporters import webannotation
from reader.core.library import Library
from reader.core.models import Annotation
from reader.core.textsafe import clean_text
from reader.ui.reading_view import ReadingView
from reader.ui.rich_text import action_text, note_html, plain_label, tooltip

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

AnnotationIdRole = Qt.ItemDataRole.UserRole + 1
ArticleIdRole = Qt.ItemDataRole.UserRole + 2
QUOTE_PREVIEW_CHARS = 160
SEARCH_DELAY_MS = 200
PANEL_SETTING = "highlights/panel_visible"
PANEL_MIN_WIDTH_PX = 200
JSONLD_FILTER = "Web Annotation JSON-LD (*.jsonld *.json);;All files (*)"
HINT_TIMEOUT_MS = 4000

# colour -> (background on a light page, underline on a light page, background on a dark page)
HIGHLIGHT_SHADES: dict[str, tuple[str, str, str]] = {
    "yellow": ("#ffe45c", "#b38f00", "#c9a200"),
    "green": ("#a6eaa0", "#2e8b3a", "#2f9e44"),
    "blue": ("#a9d1ff", "#2563b8", "#3273dc"),
    "pink": ("#ffb3cf", "#c2336b", "#c83a72"),
    "purple": ("#d7bfff", "#7443c7", "#8455d6"),
}
HIGHLIGHT_ALPHA = 175  # an entity's tint still shows through where the two overlap
COLOR_NAMES = {c: c.capitalize() for c in COLORS}


def _is_dark(colour: str) -> bool:
    return QColor(colour).lightness() < 100


def highlight_format(color: str, page: str) -> QTextCharFormat:
    light_bg, underline, dark_bg = HIGHLIGHT_SHADES.get(color, HIGHLIGHT_SHADES["yellow"])
    dark = _is_dark(page)
    background = QColor(dark_bg if dark else light_bg)
    background.setAlpha(HIGHLIGHT_ALPHA)
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    fmt.setFontUnderline(True)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    fmt.setUnderlineColor(QColor(light_bg if dark else underline))
    return fmt


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(HIGHLIGHT_SHADES.get(color, HIGHLIGHT_SHADES["yellow"])[0]))
    return QIcon(pixmap)


def preview(text: str, limit: int = QUOTE_PREVIEW_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# -- undoable changes -----------------------------------------------------------------------


class _Change(QUndoCommand):
    """One change to one highlight: `before`/`after` None mean "not there"."""

    def __init__(
        self,
        controller: HighlightController,
        text: str,
        article_id: int,
        before: Annotation | None,
        after: Annotation | None,
    ) -> None:
        super().__init__(text)
        self.controller = controller
        self.article_id = article_id
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.controller._store(self.article_id, self.before, self.after)

    def undo(self) -> None:
        self.controller._store(self.article_id, self.after, self.before)


class HighlightController(QObject):
    """Owns the highlights of the article in the reading view and every change to them."""

    changed = Signal()  # the article's highlights changed (or another article was opened)
    deleted = Signal(str)  # quote preview of a highlight just deleted (undo is available)
    failed = Signal(str)  # a message for a person
    note_requested = Signal(str)  # annotation id: the panel opens its note editor

    def __init__(self, library: Library, view: ReadingView, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.view = view
        self.article_id: int | None = None
        self.annotations: list[Annotation] = []
        self.current_color = COLORS[0]
        self.undo_stack = QUndoStack(self)
        if library.reanchor is None:
            library.reanchor = library_reanchor
        view.viewport().installEventFilter(self)

    # -- which article ----------------------------------------------------------------------

    def set_article(self, article_id: int | None) -> None:
        """Load (re-anchoring if the text changed) and paint the highlights of an article."""
        if article_id != self.article_id:
            self.undo_stack.clear()
        self.article_id = article_id
        if article_id is None or self.view.article is None:
            self.annotations = []
        else:
            try:
                self.annotations = in_text_order(current_annotations(self.library, article_id))
            except Exception as exc:  # the article vanished meanwhile; show nothing
                self.annotations = []
                self.failed.emit(f"Highlights could not be loaded: {exc}")
        self.paint()
        self.changed.emit()

    def reload(self) -> None:
        self.set_article(self.article_id)

    def find(self, annotation_id: str) -> Annotation | None:
        return next((a for a in self.annotations if a.id == annotation_id), None)

    @property
    def orphans(self) -> list[Annotation]:
        return [a for a in self.annotations if a.orphaned]

    # -- painting ---------------------------------------------------------------------------

    def paint(self) -> None:
        selections = []
        if self.view.article is not None:
            length = len(self.view.article.text)
            page = self.view.theme.page
            for annotation in self.annotations:
                if annotation.orphaned or annotation.end > length:
                    continue
                selection = QTextEdit.ExtraSelection()
                selection.cursor = self.view.cursor_for(annotation.start, annotation.end)
                selection.format = highlight_format(annotation.color, page)
                selections.append(selection)
        self.view.setExtraSelections(selections)

    # -- the selection ----------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selected article text as offsets, without surrounding white space."""
        article = self.view.article
        cursor = self.view.textCursor()
        if article is None or not cursor.hasSelection():
            return None
        to_offset = self.view.position_map.to_offset
        header = self.view.position_map.header_length
        first = max(cursor.selectionStart(), header)
        start = min(to_offset(first), len(article.text))
        end = min(to_offset(cursor.selectionEnd()), len(article.text))
        text = article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def at_cursor(self, position: int | None = None) -> Annotation | None:
        """The highlight under a document position (default: the text cursor)."""
        if self.view.article is None:
            return None
        if position is None:
            position = self.view.textCursor().position()
        hits = at_offset(self.annotations, self.view.position_map.to_offset(position))
        return hits[0] if hits else None

    # -- changes ----------------------------------------------------------------------------

    def highlight_selection(self, color: str | None = None, note: str = "") -> Annotation | None:
        selected = self.selected_range()
        if selected is None or self.article_id is None or self.view.article is None:
            return None
        color = color or self.current_color
        self.current_color = color
        annotation = new_annotation(self.view.article.text, *selected, color=color, note=note)
        self._push("Highlight", None, annotation)
        return annotation

    def set_color(self, annotation_id: str, color: str) -> None:
        before = self.find(annotation_id)
        if before is not None and before.color != color:
            self.current_color = color
            self._push("Change colour", before, replace(before, color=color))

    def set_note(self, annotation_id: str, note: str) -> None:
        note = clean_text(note)  # typed or pasted: what is kept is what the library keeps
        before = self.find(annotation_id)
        if before is not None and before.note != note:
            self._push("Edit note", before, replace(before, note=note))

    def delete(self, annotation_id: str) -> None:
        before = self.find(annotation_id)
        if before is not None:
            self._push("Delete highlight", before, None)
            self.deleted.emit(preview(before.exact, 60))

    def reattach(self, annotation_id: str) -> bool:
        """Attach a highlight (an orphan, usually) to the selected text."""
        before = self.find(annotation_id)
        selected = self.selected_range()
        if before is None or selected is None or self.view.article is None:
            return False
        after = reattach(before, self.view.article.text, *selected)
        self._push("Attach highlight", before, after)
        return True

    def undo(self) -> None:
        self.undo_stack.undo()

    def _push(self, text: str, before: Annotation | None, after: Annotation | None) -> None:
        assert self.article_id is not None
        self.undo_stack.push(_Change(self, text, self.article_id, before, after))

    def _store(self, article_id: int, old: Annotation | None, new: Annotation | None) -> None:
        """Make the library hold `new` instead of `old` (either may be None)."""
        try:
            if new is None and old is not None:
                self.library.delete_annotation(old.id)
            elif old is None and new is not None:
                self.library.add_annotation(article_id, new)
            elif new is not None:
                self.library.update_annotation(new)
        except Exception as exc:
            self.failed.emit(f"The highlight could not be saved: {exc}")
            return
        if article_id == self.article_id:
            keep = [a for a in self.annotations if old is None or a.id != old.id]
            if new is not None:
                keep.append(new)
            self.annotations = in_text_order(keep)
            self.paint()
            self.changed.emit()

    # -- context menu -----------------------------------------------------------------------

    def tooltip_at(self, point: QPoint) -> str | None:
        """The note of the highlight under `point` (viewport coordinates), with what the view
        itself would say there (an entity), or None when no highlight is there."""
        under = self.at_cursor(self.view.cursorForPosition(point).position())
        if under is None:
            return None
        note = under.note.strip() or "*Highlight* — right-click to add a note"
        return note_html(note, plain_tail=self.view.mention_text_at(point) or "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text is not None:
                QToolTip.showText(event.globalPos(), text, self.view)
                return True
        if (
            event.type() == QEvent.Type.ContextMenu
            and isinstance(event, QContextMenuEvent)
            and self.view.article is not None
        ):
            menu = self.context_menu(event.pos())
            menu.exec(event.globalPos())
            menu.deleteLater()
            return True
        return super().eventFilter(watched, event)

    def context_menu(self, point: QPoint) -> QMenu:
        """The reading view's menu with the highlight actions first."""
        scrolled = QPoint(
            self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value()
        )
        menu = self.view.createStandardContextMenu(point + scrolled)  # document coordinates
        first = menu.actions()[0] if menu.actions() else None
        actions: list[QAction | QMenu] = []
        if self.selected_range() is not None:
            colours = QMenu("Highlight", menu)
            for color in COLORS:
                action = colours.addAction(color_icon(color), COLOR_NAMES[color])
                action.triggered.connect(lambda _c=False, c=color: self.highlight_selection(c))
            actions.append(colours)
            for orphan in self.orphans:
                action = QAction(action_text(f"Attach “{preview(orphan.exact, 40)}” here"), menu)
                action.triggered.connect(lambda _c=False, i=orphan.id: self.reattach(i))
                actions.append(action)
        under = self.at_cursor(self.view.cursorForPosition(point).position())
        if under is not None:
            note = QAction("Edit Note…" if under.note else "Add Note…", menu)
            note.triggered.connect(lambda _c=False, i=under.id: self.note_requested.emit(i))
            actions.append(note)
            colours = QMenu("Highlight Colour", menu)
            for color in COLORS:
                action = colours.addAction(color_icon(color), COLOR_NAMES[color])
                action.setCheckable(True)
                action.setChecked(color == under.color)
                action.triggered.connect(lambda _c=False, i=under.id, c=color: self.set_color(i, c))
            actions.append(colours)
            delete = QAction("Delete Highlight", menu)
            delete.triggered.connect(lambda _c=False, i=under.id: self.delete(i))
            actions.append(delete)
        for item in actions:
            item_action = item.menuAction() if isinstance(item, QMenu) else item
            if first is not None:
                menu.insertAction(first, item_action)
            else:
                menu.addAction(item_action)
        if actions and first is not None:
            menu.insertSeparator(first)
        return menu


# -- the panel ------------------------------------------------------------------------------


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
            if annotation.note.strip():
                lines.append("✎ " + preview(annotation.note, 100))
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
        if not self.note_edit.hasFocus():
            self._note_for = annotation.id if annotation is not None else None
            if self.note_edit.toPlainText() != text:
                self.note_edit.setPlainText(text)

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
        if watched is self.note_edit and event.type() == QEvent.Type.FocusOut:
            note_for, text = self._note_for, self.note_edit.toPlainText().strip()
            if note_for is not None:
                # Saved after the event: saving refreshes the list, which may have the focus now.
                QTimer.singleShot(0, lambda: self.controller.set_note(note_for, text))
        return super().eventFilter(watched, event)

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


# -- across the library ---------------------------------------------------------------------


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


# -- wiring into the window -----------------------------------------------------------------


class HighlightsFeature(QObject):
    """Everything highlights add to the main window, created by `install`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        view = window.reading_view
        self.controller = HighlightController(window.library, view, parent=self)
        self.panel = AnnotationsPanel(self.controller)
        self.dock = window.add_panel(self.panel, "Highlights")
        # Hidden at first so the reading column keeps its width; remembered once shown.
        self.dock.setVisible(window.settings.value(PANEL_SETTING, "false") == "true")
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        self.all_dialog: AllHighlightsDialog | None = None

        menu = window.menus.get("Article") or window.menuBar().addMenu("&Highlights")
        menu.addSeparator()
        self.highlight_action = self._action("Highlight Selection", "H", self._on_highlight, menu)
        self.highlight_action.setToolTip("Highlight the selected text (H)")
        self.highlight_action.setIconText("Highlight")
        colours = QMenu("Highlight Colour", window)
        for color in COLORS:
            action = colours.addAction(color_icon(color), COLOR_NAMES[color])
            action.triggered.connect(lambda _c=False, c=color: self._on_highlight(c))
        self.highlight_action.setMenu(colours)
        self.note_action = self._action("Add Note to Highlight", "N", self._on_note, menu)
        self.all_action = self._action("All Highlights…", "Ctrl+Shift+H", self.show_all, menu)
        self.undo_action = self.controller.undo_stack.createUndoAction(window, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        window.addAction(self.undo_action)
        menu.addAction(self.undo_action)
        file_menu = window.menus.get("File")
        if file_menu is not None:
            first = file_menu.actions()[-1] if file_menu.actions() else None  # before Quit
            self.export_action = QAction("Export Highlights (Web Annotation)…", window)
            self.export_action.triggered.connect(lambda _c=False: self.export_highlights())
            self.import_action = QAction("Import Highlights (Web Annotation)…", window)
            self.import_action.triggered.connect(lambda _c=False: self.import_highlights())
            for action in (self.export_action, self.import_action):
                if first is not None:
                    file_menu.insertAction(first, action)
                else:
                    file_menu.addAction(action)
            if first is not None:
                file_menu.insertSeparator(first)
        toolbar = getattr(window, "toolbar", None)
        if toolbar is not None:
            toolbar.addAction(self.highlight_action)

        view.rebuilt.connect(self._on_view_rebuilt)
        self.panel.all_requested.connect(self.show_all)
        self.controller.deleted.connect(self._on_deleted)
        self.controller.note_requested.connect(self._on_note_requested)
        self.controller.failed.connect(self._show_error)

    def _action(self, text: str, shortcut: str, slot: Callable[[], object], menu: QMenu) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        menu.addAction(action)
        return action

    def _on_dock_visibility(self, visible: bool) -> None:
        if not self.window.isHidden():  # closing the window hides docks too; keep the choice
            self.window.settings.setValue(PANEL_SETTING, "true" if visible else "false")

    def _on_view_rebuilt(self) -> None:
        view = self.window.reading_view
        article_id = self.window.current_id if view.article is not None else None
        if article_id != self.controller.article_id or article_id is None:
            self.controller.set_article(article_id)
        else:
            self.controller.paint()  # same article, new document (theme, typography)

    def _on_highlight(self, color: str | None = None) -> None:
        if self.controller.highlight_selection(color) is None:
            self._show_info("Select some words of the article to highlight them.")
        elif not self.dock.isVisible():
            bar = getattr(self.window, "message_bar", None)
            if bar is not None:
                bar.show_message(
                    "info",
                    "Highlighted. N adds a note.",
                    action=("Show Highlights", self.dock.show),
                    timeout_ms=HINT_TIMEOUT_MS,
                )

    def _on_note_requested(self, annotation_id: str) -> None:
        self.dock.show()  # the panel holds the note box
        self.panel.edit_note(annotation_id)

    def _on_note(self) -> None:
        annotation = self.controller.at_cursor()
        if annotation is None:
            annotation = self.controller.highlight_selection()
        if annotation is not None:
            self.dock.show()
            self.panel.edit_note(annotation.id)

    def show_all(self) -> None:
        reanchor_stale(self.window.library)
        if self.all_dialog is None:
            self.all_dialog = AllHighlightsDialog(self.window.library, self.window)
            self.all_dialog.open_requested.connect(self.open_highlight)
        self.all_dialog.refresh()
        self.all_dialog.show()
        self.all_dialog.raise_()

    def open_highlight(self, article_id: int, annotation_id: str) -> None:
        self.window.open_article(article_id)
        if self.controller.article_id != article_id:
            self.controller.set_article(article_id)
        self.dock.show()
        self.panel.reveal(annotation_id)

    def export_highlights(self, path: str | None = None) -> int:
        """Write every highlight of the library as Web Annotation JSON-LD; returns the count."""
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self.window, "Export highlights", "highlights.jsonld", JSONLD_FILTER
            )
        if not path:
            return 0
        document = webannotation.library_document(self.window.library)
        try:
            Path(path).write_text(
                json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        except OSError as exc:
            self._show_error(f"Could not write {path}: {exc}")
            return 0
        count = int(document["total"])
        self._show_info(f"{count} highlights exported to {Path(path).name}.")
        return count

    def import_highlights(self, path: str | None = None) -> webannotation.ImportReport | None:
        """Add highlights from a Web Annotation JSON-LD file to the articles they belong to."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self.window, "Import highlights", "", JSONLD_FILTER
            )
        if not path:
            return None
        try:
            data = webannotation.read_jsonld(Path(path).read_text(encoding="utf-8"))
            items = webannotation.from_jsonld(data)
            report = webannotation.import_annotations(self.window.library, items)
        except (OSError, UnicodeDecodeError, ValueError, ReadmarkError) as exc:
            self._show_error(f"Could not import {Path(path).name}: {exc}")
            return None
        text = f"{report.added} highlights added, {report.updated} updated"
        if report.orphaned:
            text += f", {report.orphaned} not found in their article's text (kept)"
        if report.missing_sources:
            text += f"; {len(report.missing_sources)} articles are not in the library"
        self._show_info(text + ".")
        self.controller.reload()
        return report

    def _on_deleted(self, quote: str) -> None:
        bar = getattr(self.window, "message_bar", None)
        if bar is not None:
            bar.show_message(
                "info", f"Highlight “{quote}” deleted.", action=("Undo", self.controller.undo)
            )

    def _show_info(self, text: str) -> None:
        bar = getattr(self.window, "message_bar", None)
        if bar is not None:
            bar.show_info(text, 3000)

    def _show_error(self, text: str) -> None:
        bar = getattr(self.window, "message_bar", None)
        if bar is not None:
            bar.show_error(text)


def install(window: MainWindow) -> HighlightsFeature:
    """Add highlights to `window`: actions, context menu, the panel and the library view."""
    return HighlightsFeature(window)
