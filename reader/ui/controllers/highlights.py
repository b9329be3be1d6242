"""The highlights of the open article: painting them, and every change to them with undo.

Highlights are drawn as the reading view's extra selections (a stronger background with an
underline in a deeper shade), not as character formats: entity marks keep their own pale
background in the document, so where both cover the same words both stay visible, and
repainting one never erases the other.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QGuiApplication,
    QHelpEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QToolTip

from reader.core.anchoring import (
    COLORS,
    at_offset,
    in_text_order,
    library_reanchor,
    new_annotation,
    reattach,
)
from reader.core.highlights import current_annotations
from reader.core.library import Library
from reader.core.models import Annotation
from reader.core.textsafe import clean_text
from reader.ui.highlights.look import COLOR_NAMES, color_icon, highlight_format, preview
from reader.ui.reading_view import ReadingView
from reader.ui.rich_text import action_text, note_html


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
                selection.format = highlight_format(
                    annotation.color, page, noted=bool(annotation.note.strip())
                )
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
        if start < end and not exact_selection():
            start, end = whole_words(text, start, end)
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
        same = next(
            (a for a in self.annotations if not a.orphaned and (a.start, a.end) == selected), None
        )
        if same is not None:  # H then N, or H twice: still the one highlight
            if color is not None and color != same.color:
                self.set_color(same.id, color)
            return self.find(same.id)
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
        return False

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


def exact_selection() -> bool:
    """Shift held while highlighting (Shift+H) keeps the selection to the letter."""
    return bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The range widened to the words it cuts into: "hir and hu" becomes "whir and hum"."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end
