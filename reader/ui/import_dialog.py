"""The Import dialog: pick an export file, watch counts and rate, cancel, read and save the report.

The import runs through the window's `TaskRunner` with its own library connection (SQLite
connections belong to one thread); progress comes back through this dialog's `progressed`
signal, which Qt delivers on the GUI thread, and the report through the runner's callback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from reader.core.errors import ReadmarkError
from reader.core.importers import FORMATS, file_filter
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.job import ImportReport, Progress
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.ui.rich_text import plain_label, tooltip
from reader.ui.tasks import TaskRunner

IMPORT_FILE_FILTER = file_filter()
# The labels come with the formats (reader.core.importers), so a new importer needs no change here.
FORMAT_NAMES = {"auto": "Detect automatically", **{k: f.label for k, f in FORMATS.items()}}
STATUS_NAMES = {
    "added": "added",
    "existing": "already there",
    "failed": "failed",
    "pending": "not tried",
}


def progress_text(progress: Progress) -> str:
    return (
        f"{progress.done} of {progress.total} · added {progress.added} · "
        f"already there {progress.existing} · failed {progress.failed} · "
        f"{progress.rate_per_s:.1f} per second"
    )


class ImportDialog(QDialog):
    """Import a file into the library at `library_path`; `imported` carries the report."""

    progressed = Signal(object)  # Progress, emitted on the worker thread
    imported = Signal(object)  # ImportReport
    import_failed = Signal(str)

    def __init__(
        self,
        library_path: Path,
        parent: QWidget | None = None,
        *,
        policy: FetchPolicy | None = None,
        recognise: Callable[..., Any] | None = None,
        fetch_images: bool = True,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.resize(720, 480)
        self.library_path = library_path
        self.policy = policy or FetchPolicy()
        self.recognise = recognise
        self.fetch_images = fetch_images
        self.report: ImportReport | None = None
        self._cancel = threading.Event()
        self._finished = threading.Event()  # the worker is done (its result may be on its way)
        self._finished.set()
        self._tasks = tasks if tasks is not None else TaskRunner(self, max_threads=1)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Export file from Pocket, Instapaper, Omnivore…")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        self.format_box = QComboBox()
        for key in ("auto", *FORMATS):
            self.format_box.addItem(FORMAT_NAMES.get(key, key), key)
        self.start_button = QPushButton("Import")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = plain_label(QLabel("Choose a file to import."))
        self.status_label.setWordWrap(True)
        self.report_table = QTableWidget(0, 3)
        self.report_table.setHorizontalHeaderLabels(["Address", "Result", "Reason"])
        self.report_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.report_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.report_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.save_button = QPushButton("Save Report as CSV…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save_report)
        close = QPushButton("Close")
        close.clicked.connect(self.close)

        source_row = QHBoxLayout()
        source_row.addWidget(self.path_edit, 1)
        source_row.addWidget(choose)
        source_row.addWidget(self.format_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(source_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.report_table, 1)
        layout.addLayout(buttons)

        self.progressed.connect(self._on_progressed)
        self.imported.connect(self._on_imported)
        self.import_failed.connect(self._on_import_failed)

    # -- actions ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import", "", IMPORT_FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def set_source(self, path: Path, fmt: str = "auto") -> None:
        self.path_edit.setText(str(path))
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(fmt)))

    @property
    def running(self) -> bool:
        return not self._finished.is_set()

    def start(self) -> None:
        path = Path(self.path_edit.text().strip()).expanduser()
        if self.running:
            return
        if not path.is_file():
            self.status_label.setText(f"There is no file at {path}.")
            return
        self._cancel = threading.Event()
        self.report = None
        self.report_table.setRowCount(0)
        self.save_button.setEnabled(False)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 0)  # busy until the file is read
        self.status_label.setText(f"Reading {path.name}…")
        fmt = str(self.format_box.currentData())
        self._finished = finished = threading.Event()
        cancel = self._cancel

        def work() -> ImportReport:
            try:
                return self._run(path, fmt, cancel)
            finally:
                finished.set()

        def done(report: ImportReport) -> None:
            if isValid(self):  # closed and deleted meanwhile: nobody is reading
                self.imported.emit(report)

        def failed(exc: BaseException) -> None:
            if not isValid(self):
                return
            if isinstance(exc, ReadmarkError):
                self.import_failed.emit(str(exc))
            else:  # the dialog must always leave its busy state
                self.import_failed.emit(f"The import stopped: {type(exc).__name__}: {exc}")

        self._tasks.run(work, on_done=done, on_error=failed)

    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.status_label.setText("Stopping… what was already imported stays.")

    def wait(self, timeout_s: float = 30.0) -> bool:
        return self._finished.wait(timeout_s)

    def _run(self, path: Path, fmt: str, cancel: threading.Event) -> ImportReport:
        # Everything here runs on the worker thread: no widget is touched, only signals.
        library = Library(self.library_path, recognise=self.recognise)
        try:
            return import_file(
                library,
                path,
                fmt,
                self.policy,
                on_progress=self.progressed.emit,
                cancel=cancel,
                fetch_images=self.fetch_images and library.archive_images,
            )
        finally:
            library.close()

    # -- results ----------------------------------------------------------------------------

    def _on_progressed(self, progress: Progress) -> None:
        self.progress_bar.setRange(0, max(1, progress.total))
        self.progress_bar.setValue(progress.done)
        self.status_label.setText(progress_text(progress))

    def _on_imported(self, report: ImportReport) -> None:
        self.report = report
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        total = len(report.rows)
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(total - report.pending)
        text = report.summary()
        if report.cancelled:
            text = "Stopped. " + text
        self.status_label.setText(text[:1].upper() + text[1:] + ".")
        # Failures first: they are what a person wants to read.
        rows = sorted(report.rows, key=lambda r: (r.status != "failed", r.status != "pending"))
        self.report_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, value in enumerate(
                (row.url, STATUS_NAMES.get(row.status, row.status), row.reason)
            ):
                cell = QTableWidgetItem(value)
                cell.setToolTip(tooltip(value))
                self.report_table.setItem(index, column, cell)
        self.save_button.setEnabled(True)

    def _on_import_failed(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(message)

    def ask_save_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save Report", "import-report.csv", "CSV (*.csv)"
        )
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        if self.report is not None:
            self.report.save_csv(path)
            self.status_label.setText(f"Report saved to {path}.")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.running:
            self.cancel()
        super().closeEvent(event)
