"""Saving from the browser while the window is open: the capture endpoint runs in the window's
process, an article that arrives is announced and listed at once, and File ▸ Pair Browser… shows
the token to paste into the extension (with Copy, and New Token to unpair every browser). File ▸
Open Saved Page… opens what other tools saved whole (SingleFile, MHTML, web archives).

The endpoint's requests run on its own threads; what reaches the widgets goes through a signal,
so the window never waits on a capture and a capture never touches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReadmarkError
from reader.core.models import Article, Entity, Mention
from reader.ui.actions import ActionSpec
from reader.ui.rich_text import plain_label
from reader.ui.window_shell import after_first_paint

if TYPE_CHECKING:  # the endpoint and the saved-page reader load once the window is on screen
    from reader.core.capture import CaptureEndpoint, Capturer, CaptureResult
    from reader.ui.features import FeatureContext

# The endpoint starts at the latest this long after the window is built.
START_LATEST_MS = 2_000

OPEN_SAVED = ActionSpec(
    "open_saved_page",
    "Open Saved Page…",
    "File",
    tip="Open a page saved whole (SingleFile, .mht/.mhtml, Safari .webarchive) with its images",
)
SAVED_FILTER = "Saved pages (*.mht *.mhtml *.webarchive *.html *.htm);;All files (*)"
PAIR = ActionSpec(
    "pair_browser",
    "Pair Browser…",
    "File",
    tip="Show the token the Readmark browser extension needs to save pages here",
    separator_before=True,
)


@dataclass(frozen=True, slots=True)
class _Recognised:
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    note: str = ""


class _Bridge(QObject):
    """Carries what the endpoint's threads report to the window's thread."""

    arrived = Signal(object)  # CaptureResult
    open_requested = Signal(int)


class BrowserCapture(QObject):
    def __init__(self, context: FeatureContext) -> None:
        super().__init__(context.shell.widget)
        self.context = context
        self.shell = context.shell
        self.path = context.library.path
        self.endpoint: CaptureEndpoint | None = None
        self.capturer: Capturer | None = None
        self.problem = ""  # why the endpoint is not listening, in words
        self.bridge = _Bridge(self)
        self.bridge.arrived.connect(self._on_arrived)
        self.bridge.open_requested.connect(self._on_open_requested)
        self.open_saved_action = self.shell.add_action(OPEN_SAVED, self.ask_saved_page)
        self.pair_action = self.shell.add_action(PAIR, self.show_pairing)
        self.shell.widget.installEventFilter(self)
        self.shell.widget.destroyed.connect(lambda *_: self.stop())
        after_first_paint(self.shell.widget, self.start, START_LATEST_MS)

    # -- the endpoint -----------------------------------------------------------------------

    def start(self) -> None:
        if self.endpoint is not None:
            return
        from reader.core.capture import CaptureEndpoint, Capturer
        from reader.core.library import http_image_fetcher

        capturer = Capturer(self.path, recognise=self._recognise, fetch_image=http_image_fetcher())
        try:
            endpoint = CaptureEndpoint(
                self.path,
                capturer,
                on_saved=self.bridge.arrived.emit,
                on_open=self._open_from_browser,
            )
            endpoint.start()
        except ReadmarkError as exc:
            capturer.close()
            self.problem = str(exc)
            return
        self.capturer, self.endpoint, self.problem = capturer, endpoint, ""

    def stop(self) -> None:
        endpoint, capturer = self.endpoint, self.capturer
        self.endpoint = self.capturer = None
        if endpoint is not None:
            endpoint.stop()
        if capturer is not None:
            capturer.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.shell.widget and event.type() == QEvent.Type.Close:
            self.stop()  # the browser is told "not running" from the moment the window closes
        return False

    def _recognise(self, article: Article) -> Any:
        """The window's entity model once it is loaded; until then the article is saved without
        entities and the window's idle pass recognises it later."""
        recognise = self.context.recogniser()
        if recognise is None:
            return None
        result = recognise(article)
        if hasattr(result, "mentions"):
            return result
        mentions, entities = result
        return _Recognised(tuple(mentions), tuple(entities))

    def _open_from_browser(self, article_id: int) -> bool:  # on an endpoint thread
        capturer = self.capturer
        if capturer is None or not capturer.library.is_live(article_id):
            return False
        self.bridge.open_requested.emit(article_id)
        return True

    # -- in the window ----------------------------------------------------------------------

    def _on_arrived(self, result: CaptureResult) -> None:
        self.context.session.articles_changed.emit()  # the list shows it now
        verb = (
            "Updated from the browser" if result.status == "updated" else "Saved from the browser"
        )
        title = " ".join(result.title.split())
        if len(title) > 80:
            title = title[:79] + "…"
        self.shell.notify_info(
            f"{verb}: {title}", action=("Open", lambda: self.context.session.open(result.id))
        )

    def _on_open_requested(self, article_id: int) -> None:
        self.context.session.open(article_id)
        window = self.shell.widget.window()
        window.showNormal() if window.isMinimized() else window.show()
        window.raise_()
        window.activateWindow()

    def ask_saved_page(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.shell.widget, "Open Saved Page", "", SAVED_FILTER
        )
        if path:
            self.open_saved_page(Path(path))

    def open_saved_page(self, path: Path) -> None:
        """Save the page at `path` with its own images (in the background), then show it."""

        def work() -> int:
            from reader.core.importers.saved_pages import add_saved_page

            return add_saved_page(self.path, path, recognise=self._recognise)

        def done(article_id: int) -> None:
            self.context.session.articles_changed.emit()
            self.context.session.open(article_id)

        def failed(exc: BaseException) -> None:
            self.shell.notify_error(f"{path.name}: {exc}")

        self.shell.notify_info(f"Opening {path.name}…")
        self.context.tasks.run(work, done, failed)

    def show_pairing(self) -> None:
        PairingDialog(self, self.shell.widget).exec()

    def status_text(self) -> str:
        if self.endpoint is not None:
            return f"Listening on {self.endpoint.url} (this computer only)."
        return self.problem or "Not listening."


class PairingDialog(QDialog):
    """The token to paste into the extension, with Copy and New Token."""

    def __init__(self, capture: BrowserCapture, parent: QWidget) -> None:
        super().__init__(parent)
        self.capture = capture
        self.setWindowTitle("Pair Browser")
        layout = QVBoxLayout(self)
        intro = plain_label(
            QLabel(
                "Install the Readmark extension in your browser (see the README), click its "
                "button, and paste this token where it asks. Pages you save then arrive here "
                "as you see them, logged in and after their scripts ran."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.token_field = QLineEdit()
        self.token_field.setReadOnly(True)
        self.token_field.setMinimumWidth(320)
        self.token_field.setAccessibleName("Pairing token")
        row.addWidget(self.token_field, 1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.status = plain_label(QLabel())
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.renew_button = buttons.addButton("New Token", QDialogButtonBox.ButtonRole.ResetRole)
        self.renew_button.setToolTip("Make a new token: every paired browser must be paired again")
        self.renew_button.clicked.connect(self.renew)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_token()

    def show_token(self) -> None:
        try:
            from reader.core.capture import load_pairing

            self.token_field.setText(load_pairing(self.capture.path.parent).token)
            self.status.setText(self.capture.status_text())
        except ReadmarkError as exc:
            self.token_field.clear()
            self.status.setText(str(exc))
        self.copy_button.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.token_field.text())
        self.status.setText("Copied. Paste it into the extension's popup.")

    def renew(self) -> None:
        from reader.core.capture import renew_token

        try:
            renew_token(self.capture.path.parent)
        except ReadmarkError as exc:
            self.status.setText(str(exc))
            return
        self.show_token()
        self.status.setText("A new token: paste it into each browser again.")


def install(context: FeatureContext) -> BrowserCapture:
    return BrowserCapture(context)
