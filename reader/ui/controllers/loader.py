"""Loading a source (URL or file) in the background and saving it to the library."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.core import fetch
from reader.core.extract import extract
from reader.core.library import FetchImage, Library, http_image_fetcher
from reader.core.models import RawPage
from reader.ui.controllers.entities import Recognise
from reader.ui.errors import readable_error
from reader.ui.tasks import TaskRunner


@dataclass(slots=True)
class _Job:
    source: str
    cancelled: threading.Event = field(default_factory=threading.Event)


class ArticleLoader(QObject):
    """Loads sources (URL or file) in the background and saves them to the library.

    A cancelled load stops at the next stage boundary and saves nothing; its result, if it still
    arrives, is dropped.
    """

    started = Signal(str)
    progressed = Signal(str, str)  # source, what is happening now
    loaded = Signal(int)  # article id
    failed = Signal(str, str)  # source, message a person can read
    cancelled = Signal(str)

    def __init__(
        self,
        library_path: Path,
        tasks: TaskRunner,
        parent: QObject | None = None,
        load_source: Callable[[str], RawPage] | None = None,
        fetch_image: FetchImage | None = None,
    ) -> None:
        super().__init__(parent)
        # Images are archived with the article when it is saved, so reading never fetches.
        self._fetch_image = fetch_image if fetch_image is not None else http_image_fetcher()
        # Once the entity model is loaded, articles get their entities as they are saved.
        self.recognise: Recognise | None = None
        self._library_path = library_path
        self._tasks = tasks
        self._load_source = load_source or fetch.load
        self._jobs: list[_Job] = []

    @property
    def tasks(self) -> TaskRunner:
        return self._tasks

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def load(self, source: str) -> None:
        job = _Job(source)
        self._jobs.append(job)
        self.started.emit(source)

        def work() -> int | None:
            from reader.core.importers.saved_pages import add_saved_page, saved_page_kind

            if saved_page_kind(source) is not None:
                # A page another tool saved whole (MHTML, a web archive, SingleFile): saved
                # with its own pictures, nothing fetched.
                self.progressed.emit(source, "Finding the article")
                path = Path(source).expanduser()
                return add_saved_page(self._library_path, path, recognise=self.recognise)
            self.progressed.emit(source, "Fetching")
            raw = self._load_source(source)
            if job.cancelled.is_set():
                return None
            self.progressed.emit(source, "Finding the article")
            article = extract(raw)
            if job.cancelled.is_set():
                return None
            self.progressed.emit(source, "Saving")
            # A handle with this load's hooks; the connection is this thread's, kept open by the
            # connection manager, so opening it costs nothing.
            library = Library(
                self._library_path, fetch_image=self._fetch_image, recognise=self.recognise
            )
            try:
                return library.add_article(article, raw)
            finally:
                library.close()

        def done(article_id: int | None) -> None:
            self._finish(job)
            if article_id is not None and not job.cancelled.is_set():
                self.loaded.emit(article_id)

        def failed(exc: BaseException) -> None:
            self._finish(job)
            if not job.cancelled.is_set():
                self.failed.emit(source, readable_error(exc))

        self._tasks.run(work, on_done=done, on_error=failed)

    def cancel(self) -> None:
        """Stop every running load; the window is told at once."""
        for job in list(self._jobs):
            job.cancelled.set()
            self._finish(job)
            self.cancelled.emit(job.source)

    def _finish(self, job: _Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
