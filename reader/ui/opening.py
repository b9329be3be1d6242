"""Opening sources: an address, a file, the clipboard or a drop, loaded in the background with
its progress, failure or cancellation said in the message bar."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QWidget

from reader.core import fetch
from reader.ui.controllers.loader import ArticleLoader
from reader.ui.message_bar import MessageBar
from reader.ui.session import ArticleSession

OPEN_FILE_FILTER = (
    "Articles (*.html *.htm *.xhtml *.txt *.md *.mht *.mhtml *.webarchive);;All files (*)"
)
OPENABLE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".md")
URL_DIALOG_WIDTH_PX = 560  # wide enough to read a whole address
# A host name with at least one dot, an optional port, then anything: what a person types
# into an address bar without the scheme.
_BARE_ADDRESS = re.compile(r"^(?:[\w-]+\.)+[a-z][\w-]*(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)


def address_from_input(text: str) -> str:
    """What Open URL loads for `text`: an address as typed, "https://" added when the scheme is
    left out (example.com/article); an existing file stays a file."""
    text = text.strip()
    if not text or fetch.is_url(text) or Path(text).expanduser().exists():
        return text
    looks_like_a_file = "/" not in text and text.lower().endswith(OPENABLE_SUFFIXES)
    if _BARE_ADDRESS.match(text) and not looks_like_a_file:
        return f"https://{text}"
    return text


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

    def drag_entered(self, event: QDragEnterEvent) -> None:
        """A drag over the window: taken when it carries a link or a file."""
        if source_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropped(self, event: QDropEvent) -> None:
        source = source_from_mime(event.mimeData())
        if source is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_source(source)

    def url_dialog(self) -> QInputDialog:
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Open URL")
        dialog.setLabelText("Address of the article:")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setMinimumWidth(URL_DIALOG_WIDTH_PX)
        dialog.resize(URL_DIALOG_WIDTH_PX, dialog.sizeHint().height())
        return dialog

    def ask_url(self) -> None:
        dialog = self.url_dialog()
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                source = address_from_input(dialog.textValue())
                if source and not fetch.is_url(source) and not Path(source).expanduser().exists():
                    self.bar.show_error(f"There is no web address or file called “{source}”.")
                elif source:
                    self.open_source(source)
        finally:
            dialog.deleteLater()

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
        # Most reasons already name the file (often by its name alone) or address; say it once.
        named = source in message or Path(source).name in message
        self.bar.show_error(message if named else f"{source}: {message}")

    def _on_cancelled(self, source: str) -> None:
        self.bar.show_info(f"Stopped loading {source}.", timeout_ms=3000)
