"""Repairing an article that came out wrong, from the page it was saved from.

Article ▸ Extract Again ▸ Readmark / Readability / trafilatura / Whole Page extracts the open
article again with the reading chosen (its highlights move to the new text, its entities are
found again); Article ▸ Show Original shows the saved page itself, sanitised and read-only, with
nothing loaded from the network or the disk; Article ▸ Extraction Log… says which reading was
kept, by which rule, and how long each reading is. The slow parts run on the window's workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from reader.core import repairing
from reader.core.extract.log import READINGS, READMARK, ExtractionLog
from reader.render.inert import InertDocument
from reader.ui.actions import ActionSpec
from reader.ui.rich_text import plain_label, window_title

if TYPE_CHECKING:
    from reader.ui.features import FeatureContext

# What each reading is called in the menu, and what its entry says it does.
LABELS = {
    "readmark": ("Readmark", "The usual choice among the readings below"),
    "readability": ("Readability", "readability-lxml's reading of the article alone"),
    "trafilatura": ("trafilatura", "trafilatura's reading of the page"),
    "whole page": ("Whole Page", "The whole page without its menus, header and footer"),
}
SHOW_ORIGINAL = ActionSpec(
    "show_original",
    "Show Original",
    None,
    keys=("Ctrl+U",),
    tip="The page this article was saved from, without scripts, images or styles (Ctrl+U)",
)
EXTRACTION_LOG = ActionSpec(
    "extraction_log",
    "Extraction Log…",
    None,
    keys=("Ctrl+Shift+L",),
    tip="Which reading of the saved page was kept, and why (Ctrl+Shift+L)",
)
EDIT_TEXT = ActionSpec(
    "edit_text",
    "Edit Text…",
    None,
    tip="Correct the article's text by hand; its highlights move with it",
)
EDIT_NOTE = (
    "Each paragraph is parted from the next by a blank line. Paragraphs left as they are keep "
    "their links and formatting; highlights move to the new text. Extract Again brings back "
    "the text of the saved page."
)
ORIGINAL_NOTE = (
    "The page as it was saved, read-only: its scripts, images, styles and forms are left out "
    "and nothing is loaded from the network or from this computer."
)


class OriginalView(QTextEdit):
    """The saved page, sanitised, in a read-only view whose document loads nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setDocument(InertDocument(self))

    def show_html(self, html: str) -> None:
        self.document().setHtml(html)

    def loadResource(self, kind: int, name: Any) -> object:  # noqa: N802 - Qt override
        return None


class OriginalDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(f"Original — {title}"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        self.note = plain_label(QLabel(ORIGINAL_NOTE))
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.view = OriginalView(self)
        self.view.setPlainText("Reading the saved page…")
        layout.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)


class EditDialog(QDialog):
    """The article's text to correct by hand."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(f"Edit Text — {title}"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        note = plain_label(QLabel(EDIT_NOTE))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlainText(text)
        layout.addWidget(self.editor)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class LogDialog(QDialog):
    """The extraction log: the reading kept, why, and each reading's length in words."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(f"Extraction Log — {title}"))
        self.resize(640, 460)
        layout = QVBoxLayout(self)
        self.summary = plain_label(QLabel("Comparing the readings of the saved page…"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Reading", "Words", ""])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.left_out = plain_label(QLabel())
        self.left_out.setWordWrap(True)
        self.left_out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.left_out)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def show_log(self, log: ExtractionLog, usual: ExtractionLog | None = None) -> None:
        """`log` of the reading asked for; `usual`, when another was asked for, what the usual
        choice would keep."""
        asked = "" if log.asked == READMARK else f" (asked for: {LABELS[log.asked][0]})"
        text = f"Reading kept: {log.reading}{asked}\n\n{log.reason}"
        if usual is not None:
            text += f"\n\nThe usual choice (Readmark) keeps: {usual.reading}. {usual.reason}"
        self.summary.setText(text)
        left = [
            f"• {start} ({words:,} {'word' if words == 1 else 'words'})"
            for start, words in log.left_out
        ]
        self.left_out.setText(
            "Left out of the page (largest passages):\n" + "\n".join(left)
            if left
            else "The kept reading holds every passage of the page."
        )
        self.table.setRowCount(len(log.words))
        for row, (name, words) in enumerate(log.words):
            count = "—" if words is None else f"{words:,}"
            cells = (name, count, "kept" if name == log.reading else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        rows = sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows + 2 * self.table.frameWidth())

    def show_error(self, text: str) -> None:
        self.summary.setText(text)


class Repair(QObject):
    """The repair actions on the open article."""

    reextracted = Signal(int, object)  # article id, repairing.Reextracted
    original_shown = Signal(object)  # the OriginalDialog, filled
    log_shown = Signal(object)  # the LogDialog, filled
    edited = Signal(int, bool)  # article id, whether its text changed

    def __init__(self, context: FeatureContext) -> None:
        super().__init__(context.shell.widget)
        self.context = context
        self.shell = context.shell
        self.session = context.session
        self.busy = False
        self.asked: dict[int, str] = {}  # the reading last asked for, per article, this run
        self.dialogs: list[QDialog] = []
        article_menu = self.shell.menu("Article")
        article_menu.addSeparator()
        self.menu = QMenu("Extract Again", article_menu)
        self.menu.setToolTipsVisible(True)
        self.reading_actions: dict[str, QAction] = {}
        for name in READINGS:
            text, tip = LABELS[name]
            action = self.menu.addAction(text)
            action.setToolTip(tip)
            action.triggered.connect(lambda _checked=False, n=name: self.extract_again(n))
            self.reading_actions[name] = action
        article_menu.addMenu(self.menu)
        self.original_action = self.shell.add_action(SHOW_ORIGINAL, self.show_original)
        self.log_action = self.shell.add_action(EXTRACTION_LOG, self.show_log)
        self.edit_action = self.shell.add_action(EDIT_TEXT, self.edit_text)
        article_menu.addAction(self.edit_action)
        article_menu.addAction(self.original_action)
        article_menu.addAction(self.log_action)
        self.session.opened.connect(lambda _id: self._enable())
        self.session.cleared.connect(self._enable)
        self.session.trashed_changed.connect(lambda _t: self._enable())
        self._enable()

    def _enable(self) -> None:
        has_article = self.session.current_id is not None
        editable = has_article and not self.session.trashed and not self.busy
        self.menu.setEnabled(editable)
        self.edit_action.setEnabled(editable)
        self.original_action.setEnabled(has_article)
        self.log_action.setEnabled(has_article)

    def _title(self) -> str:
        saved = self.session.article
        return saved.article.title if saved is not None else ""

    # -- extract again ----------------------------------------------------------------------

    def extract_again(self, reading: str) -> None:
        article_id = self.session.current_id
        if article_id is None or self.busy or self.session.trashed:
            return
        library, recognise = self.context.library, self.context.recogniser()
        self.busy = True
        self._enable()
        label = LABELS[reading][0]
        self.shell.notify_info(f"Extracting “{self._title()}” again ({label})…", timeout_ms=0)
        self.session.save_progress()

        def work() -> repairing.Reextracted:
            return repairing.reextract(library, article_id, reading, recognise=recognise)

        def done(result: repairing.Reextracted) -> None:
            self.busy = False
            self.asked[article_id] = reading
            if self.session.current_id == article_id:
                self.session.current_id = None  # open it again: its text changed
                self.session.open(article_id)
            highlights = len(library.annotations(article_id))
            kept = f"; {highlights} highlight(s) moved to the new text" if highlights else ""
            what = "the text changed" if result.changed else "the text is the same"
            self.shell.notify_info(f"Extracted again ({label}): {what}{kept}.")
            self._enable()
            self.reextracted.emit(article_id, result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._enable()
            self.shell.notify_error(f"This article could not be extracted again: {exc}")

        self.context.tasks.run(work, done, failed)

    # -- edit text --------------------------------------------------------------------------

    def edit_text(self) -> None:
        article_id, saved = self.session.current_id, self.session.article
        if article_id is None or saved is None or self.busy or self.session.trashed:
            return
        dialog = EditDialog(
            saved.article.title, repairing.editable_text(saved.article.blocks), self.shell.widget
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.save_text(article_id, dialog.editor.toPlainText()))
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        dialog.open()

    def save_text(self, article_id: int, text: str) -> None:
        library, recognise = self.context.library, self.context.recogniser()
        self.busy = True
        self._enable()
        self.session.save_progress()

        def work() -> bool:
            return repairing.edit_text(library, article_id, text, recognise=recognise)

        def done(changed: bool) -> None:
            self.busy = False
            if changed and self.session.current_id == article_id:
                self.session.current_id = None  # open it again: its text changed
                self.session.open(article_id)
            self.shell.notify_info("Text saved." if changed else "The text is the same.")
            self._enable()
            self.edited.emit(article_id, changed)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._enable()
            self.shell.notify_error(f"The text could not be saved: {exc}")

        self.context.tasks.run(work, done, failed)

    # -- show original ----------------------------------------------------------------------

    def show_original(self) -> None:
        article_id = self.session.current_id
        if article_id is None:
            return
        library = self.context.library
        dialog = self._keep(OriginalDialog(self._title(), self.shell.widget))
        dialog.show()

        def work() -> str:
            return repairing.original_html(repairing.original(library, article_id))

        def done(html: str) -> None:
            if isValid(dialog):  # not closed meanwhile
                dialog.view.show_html(html)
                self.original_shown.emit(dialog)

        def failed(exc: BaseException) -> None:
            if isValid(dialog):
                dialog.view.setPlainText(f"The saved page cannot be shown: {exc}")
                self.original_shown.emit(dialog)

        self.context.tasks.run(work, done, failed)

    # -- extraction log ---------------------------------------------------------------------

    def show_log(self) -> None:
        article_id = self.session.current_id
        if article_id is None:
            return
        library, reading = self.context.library, self.asked.get(article_id, READMARK)
        dialog = self._keep(LogDialog(self._title(), self.shell.widget))
        dialog.show()

        def work() -> tuple[ExtractionLog, ExtractionLog | None]:
            log = repairing.extraction_log(library, article_id, reading)
            usual = None if reading == READMARK else repairing.extraction_log(library, article_id)
            return log, usual

        def done(logs: tuple[ExtractionLog, ExtractionLog | None]) -> None:
            if isValid(dialog):  # not closed meanwhile
                dialog.show_log(*logs)
                self.log_shown.emit(dialog)

        def failed(exc: BaseException) -> None:
            if isValid(dialog):
                dialog.show_error(f"The extraction log cannot be made: {exc}")
                self.log_shown.emit(dialog)

        self.context.tasks.run(work, done, failed)

    def _keep(self, dialog: Any) -> Any:
        """A dialog kept open beside the window until it is closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)


def install(context: FeatureContext) -> Repair:
    return Repair(context)
