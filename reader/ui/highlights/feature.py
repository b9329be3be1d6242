"""Highlights in the window: actions with undo, the panel, the library-wide list, JSON-LD files.

The feature follows the open article through the session and adds itself through the shell; it
never sees the window. Work across the whole library (placing stale highlights again, export,
import) runs in the background.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu

from reader.core.anchoring import COLORS
from reader.core.errors import ReadmarkError
from reader.core.highlights import reanchor_stale
from reader.ui import actions
from reader.ui.controllers.highlights import HighlightController
from reader.ui.errors import readable_error
from reader.ui.highlights.look import COLOR_NAMES, color_icon
from reader.ui.highlights.panel import AnnotationsPanel

if TYPE_CHECKING:
    from reader.core.exporters.webannotation import ImportReport
    from reader.ui.features import FeatureContext
    from reader.ui.highlights.all_dialog import AllHighlightsDialog

JSONLD_FILTER = "Web Annotation JSON-LD (*.jsonld *.json);;All files (*)"
HINT_TIMEOUT_MS = 4000
INFO_TIMEOUT_MS = 3000


class HighlightsFeature(QObject):
    """Everything highlights add to the main window, created by `install`."""

    all_listed = Signal()  # the All Highlights dialog is up to date and shown
    exported = Signal(int)  # highlights written to a file
    imported = Signal(object)  # ImportReport
    import_failed = Signal(str)

    def __init__(self, context: FeatureContext) -> None:
        super().__init__(context.session)
        self.shell = shell = context.shell
        self.session = context.session
        self.library = context.library
        self.tasks = context.tasks
        self.view = view = context.view
        self.controller = HighlightController(context.library, view, parent=self)
        self.panel = AnnotationsPanel(self.controller)
        self.dock = shell.add_panel(self.panel, "Highlights")
        self.dock.setVisible(shell.preferences.highlights_panel_shown)
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        self.all_dialog: AllHighlightsDialog | None = None

        self.highlight_action = shell.add_action(actions.HIGHLIGHT, self._on_highlight)
        colours = QMenu("Highlight Colour", shell.widget)
        for color in COLORS:
            action = colours.addAction(color_icon(color), COLOR_NAMES[color])
            action.triggered.connect(lambda _c=False, c=color: self._on_highlight(c))
        self.highlight_action.setMenu(colours)
        self.note_action = shell.add_action(actions.NOTE, self._on_note)
        self.all_action = shell.add_action(actions.ALL_HIGHLIGHTS, self.show_all)
        self.undo_action = shell.add_action(
            actions.UNDO_HIGHLIGHT,
            None,  # the undo stack's own action undoes
            action=self.controller.undo_stack.createUndoAction(shell.widget, "Undo"),
        )
        self.export_action = shell.add_action(actions.EXPORT_HIGHLIGHTS, self.export_highlights)
        self.import_action = shell.add_action(actions.IMPORT_HIGHLIGHTS, self.import_highlights)

        view.rebuilt.connect(self._on_view_rebuilt)
        self.session.trashed_changed.connect(self._on_trashed_changed)
        self.panel.all_requested.connect(self.show_all)
        self.controller.deleted.connect(self._on_deleted)
        self.controller.note_requested.connect(self._on_note_requested)
        self.controller.failed.connect(shell.notify_error)

    def _on_dock_visibility(self, visible: bool) -> None:
        if not self.shell.widget.isHidden():  # closing the window hides docks too; keep the choice
            self.shell.preferences.highlights_panel_shown = visible

    def _on_trashed_changed(self, trashed: bool) -> None:
        for action in (self.highlight_action, self.note_action):
            action.setEnabled(not trashed)

    def _on_view_rebuilt(self) -> None:
        article_id = self.session.current_id if self.view.article is not None else None
        if article_id != self.controller.article_id or article_id is None:
            self.controller.set_article(article_id)
        else:
            self.controller.paint()  # same article, new document (theme, typography)

    def _on_highlight(self, color: str | None = None) -> None:
        if self.controller.highlight_selection(color) is None:
            self.shell.notify_info(
                "Select some words of the article to highlight them.", INFO_TIMEOUT_MS
            )
        elif not self.dock.isVisible():
            self.shell.notify_info(
                "Highlighted. N adds a note.", HINT_TIMEOUT_MS, ("Show Highlights", self.dock.show)
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

    def _on_deleted(self, quote: str) -> None:
        self.shell.notify_undo(f"Highlight “{quote}” deleted.", self.controller.undo)

    # -- across the library -----------------------------------------------------------------

    def show_all(self) -> None:
        """Place stale highlights again (in the background), then list every highlight."""
        library = self.library

        def show(_looked_at: object = None) -> None:
            from reader.ui.highlights.all_dialog import AllHighlightsDialog

            if self.all_dialog is None:
                self.all_dialog = AllHighlightsDialog(library, self.shell.widget)
                self.all_dialog.open_requested.connect(self.open_highlight)
            self.all_dialog.refresh()
            self.all_dialog.show()
            self.all_dialog.raise_()
            self.all_listed.emit()

        def failed(exc: BaseException) -> None:
            self.shell.notify_error(f"Highlights could not be placed again: {readable_error(exc)}")
            show()  # the list still shows what is stored

        self.tasks.run(lambda: reanchor_stale(library), on_done=show, on_error=failed)

    def open_highlight(self, article_id: int, annotation_id: str) -> None:
        self.session.open(article_id)
        if self.controller.article_id != article_id:
            self.controller.set_article(article_id)
        self.dock.show()
        self.panel.reveal(annotation_id)

    def export_highlights(self, path: str | None = None) -> None:
        """Write every highlight of the library as Web Annotation JSON-LD (in the background);
        `exported` carries the count."""
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self.shell.widget, "Export highlights", "highlights.jsonld", JSONLD_FILTER
            )
        if not path:
            return
        target, library = Path(path), self.library

        def work() -> int:
            from reader.core.exporters import webannotation

            document = webannotation.library_document(library)
            target.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
            return int(document["total"])

        def done(count: int) -> None:
            self.shell.notify_info(
                f"{count} highlights exported to {target.name}.", INFO_TIMEOUT_MS
            )
            self.exported.emit(count)

        def failed(exc: BaseException) -> None:
            reason = str(exc) if isinstance(exc, OSError) else readable_error(exc)
            self.shell.notify_error(f"Could not write {target}: {reason}")

        self.tasks.run(work, on_done=done, on_error=failed)

    def import_highlights(self, path: str | None = None) -> None:
        """Add highlights from a Web Annotation JSON-LD file to the articles they belong to (in
        the background); `imported` carries the report, `import_failed` the message."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self.shell.widget, "Import highlights", "", JSONLD_FILTER
            )
        if not path:
            return
        source, library = Path(path), self.library

        def work() -> ImportReport:
            from reader.core.exporters import webannotation

            data = webannotation.read_jsonld(source.read_text(encoding="utf-8"))
            return webannotation.import_annotations(library, webannotation.from_jsonld(data))

        def done(report: ImportReport) -> None:
            text = f"{report.added} highlights added, {report.updated} updated"
            if report.orphaned:
                text += f", {report.orphaned} not found in their article's text (kept)"
            if report.missing_sources:
                text += f"; {len(report.missing_sources)} articles are not in the library"
            self.shell.notify_info(text + ".", INFO_TIMEOUT_MS)
            self.controller.reload()
            self.imported.emit(report)

        def failed(exc: BaseException) -> None:
            known = isinstance(exc, OSError | UnicodeDecodeError | ValueError | ReadmarkError)
            reason = str(exc) if known else readable_error(exc)
            message = f"Could not import {source.name}: {reason}"
            self.shell.notify_error(message)
            self.import_failed.emit(message)

        self.tasks.run(work, on_done=done, on_error=failed)


def install(context: FeatureContext) -> HighlightsFeature:
    """Add highlights to the window: actions, context menu, the panel and the library view."""
    return HighlightsFeature(context)
