"""Controllers between widgets and the core: they own the slow work and say when it is done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.core.errors import ReadmarkError
from reader.core.library import Library
from reader.ui.tasks import TaskRunner


class ArticleLoader(QObject):
    """Loads sources (URL or file) in the background and saves them to the library."""

    started = Signal(str)
    loaded = Signal(int)  # article id
    failed = Signal(str, str)  # source, message a person can read

    def __init__(self, library_path: Path, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._library_path = library_path
        self._tasks = tasks

    def load(self, source: str) -> None:
        self.started.emit(source)

        def work() -> int:
            # Each thread opens its own connection to the library.
            library = Library(self._library_path)
            try:
                return library.add_source(source)
            finally:
                library.close()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ReadmarkError):
                message = str(exc)
            else:
                message = f"Unexpected error: {exc.__class__.__name__}: {exc}"
            self.failed.emit(source, message)

        self._tasks.run(work, on_done=self.loaded.emit, on_error=failed)
