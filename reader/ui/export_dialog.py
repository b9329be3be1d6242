"""The Export dialog: choose a format, the articles (a search query) and where the file goes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from reader.core.errors import ReadmarkError
from reader.core.exporters import export, selected_ids
from reader.core.library import Library
from reader.ui.rich_text import plain_label
from reader.ui.tasks import TaskRunner

FORMATS = {
    "json": ("Whole library as JSON (imports back)", "JSON (*.json)", ".json"),
    "markdown": ("Markdown folder for Obsidian", "", ""),
    "html": ("HTML page", "HTML (*.html)", ".html"),
    "epub": ("EPUB book", "EPUB (*.epub)", ".epub"),
    "pdf": ("PDF document", "PDF (*.pdf)", ".pdf"),
}


class ExportDialog(QDialog):
    """Export the articles a query selects; `exported(count, dest)` or `export_failed(message)`."""

    exported = Signal(int, str)
    export_failed = Signal(str)

    def __init__(
        self, library_path: Path, parent: QWidget | None = None, tasks: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.resize(560, 220)
        self.library_path = library_path
        self._finished = threading.Event()  # the worker is done (its result may be on its way)
        self._finished.set()
        self._tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)
        self.format_box = QComboBox()
        for key, (name, _filter, _suffix) in FORMATS.items():
            self.format_box.addItem(name, key)
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("All articles (or a search: tag:news is:unread…)")
        self.dest_edit = QLineEdit()
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_dest)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest_edit, 1)
        dest_row.addWidget(choose)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.status_label = plain_label(QLabel(""))
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("Articles", self.query_edit)
        form.addRow("Save to", dest_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.exported.connect(self._on_exported)
        self.export_failed.connect(self._on_export_failed)

    def choose_dest(self) -> None:
        fmt = str(self.format_box.currentData())
        _name, file_filter, suffix = FORMATS[fmt]
        if fmt == "markdown":
            path = QFileDialog.getExistingDirectory(self, "Export to Folder")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export", f"readmark{suffix}", file_filter)
        if path:
            self.dest_edit.setText(path)

    def set_export(self, fmt: str, dest: Path, query: str = "") -> None:
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(fmt)))
        self.dest_edit.setText(str(dest))
        self.query_edit.setText(query)

    def start(self) -> None:
        text = self.dest_edit.text().strip()
        if not text:
            self.status_label.setText("Choose where to save the export.")
            return
        fmt = str(self.format_box.currentData())
        dest = Path(text).expanduser()
        query = self.query_edit.text().strip() or None
        self.export_button.setEnabled(False)
        self.progress_bar.setRange(0, 0)
        self.status_label.setText("Exporting…")
        if fmt == "pdf":
            # Qt lays the pages out; that stays on the GUI thread.
            try:
                count = self._run(fmt, dest, query)
            except (ReadmarkError, OSError) as exc:
                self.export_failed.emit(str(exc))
            else:
                self.exported.emit(count, str(dest))
            return
        self._finished = finished = threading.Event()

        def work() -> int:
            try:
                return self._run(fmt, dest, query)
            finally:
                finished.set()

        def done(count: int) -> None:
            if isValid(self):  # closed and deleted meanwhile: nobody is reading
                self.exported.emit(count, str(dest))

        def failed(exc: BaseException) -> None:
            if isValid(self):
                known = isinstance(exc, ReadmarkError | OSError)
                self.export_failed.emit(str(exc) if known else f"{type(exc).__name__}: {exc}")

        self._tasks.run(work, on_done=done, on_error=failed)

    def wait(self, timeout_s: float = 30.0) -> bool:
        return self._finished.wait(timeout_s)

    def _run(self, fmt: str, dest: Path, query: str | None) -> int:
        with Library(self.library_path) as library:
            return export(library, fmt, dest, selected_ids(library, query, None, fmt))

    def _on_exported(self, count: int, dest: str) -> None:
        self.export_button.setEnabled(True)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.status_label.setText(f"{count} article{'s' if count != 1 else ''} exported to {dest}.")

    def _on_export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(message)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.wait(0.1)
        super().closeEvent(event)
