"""Opening sources: an address, a file, the clipboard or a drop, loaded in the background with
its progress, failure or cancellation said in the message bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from reader.core import fetch
from reader.ui.controllers.loader import ArticleLoader
from reader.ui.message_bar import MessageBar
from reader.ui.session import ArticleSession

OPEN_FILE_FILTER = "Articles (*.html *.htm *.xhtml *.txt *.md);;All files (*)"
OPENABLE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".md")


def source_from_text(text: str) -> str | None:
    """A URL or an existing file path in pasted or dropped text, if there is one."""
    text = text.strip()
    if not text or "\n" in text:
        text = text.splitlines()[0].strip() if text else ""
    if fetch.is_url(text):
        return text
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    if text and Path(text).expanduser().is_file():
        return str(Path(text).expanduser())
    return None


def source_from_mime(mime: QMimeData) -> str | None:
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
        if url.scheme() in ("http", "https"):
            return url.toString()
    if mime.hasText():
        return source_from_text(mime.text())
    return None


class SourceOpener(QObject):
    """Asks for a source, hands it to the loader and opens what it saved."""

    def __init__(
        self,
        window: QWidget,
        loader: ArticleLoader,
        session: ArticleSession,
        bar: MessageBar,
        refresh_list: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.loader = loader
        self.session = session
        self.bar = bar
        self.refresh_list = refresh_list
        loader.started.connect(self._on_started)
        loader.progressed.connect(self._on_progressed)
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        loader.cancelled.connect(self._on_cancelled)

    def ask_url(self) -> None:
        url, ok = QInputDialog.getText(self.window, "Open URL", "Address of the article:")
        if ok and url.strip():
            self.open_source(url.strip())

    def ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open article", "", OPEN_FILE_FILTER)
        if path:
            self.open_source(path)

    def paste_source(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        source = source_from_mime(mime) if mime is not None else None
        if source is None:
            self.bar.show_info("The clipboard holds no link or file to open.")
            return
        self.open_source(source)

    def open_source(self, source: str) -> None:
        self.loader.load(source)

    def _on_started(self, source: str) -> None:
        self.bar.show_progress(f"Loading {source}…", self.loader.cancel)

    def _on_progressed(self, source: str, stage: str) -> None:
        if self.bar.kind == "progress":
            self.bar.label.setText(f"{stage}: {source}…")

    def _on_loaded(self, article_id: int) -> None:
        if not self.loader.busy:
            self.bar.show_info("Saved to your library.", timeout_ms=3000)
        self.refresh_list()
        self.session.open(article_id)

    def _on_failed(self, source: str, message: str) -> None:
        # Most reasons already name the file or address; say it once.
        self.bar.show_error(message if source in message else f"{source}: {message}")

    def _on_cancelled(self, source: str) -> None:
        self.bar.show_info(f"Stopped loading {source}.", timeout_ms=3000)
