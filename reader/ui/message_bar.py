"""A slim bar over the top of the reading view for progress, errors and undo; it never blocks the
window and never pushes the article down."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from reader.ui.rich_text import action_text, plain_label, shown

MAX_MESSAGE_CHARS = 1000  # a server's error text can be long; the bar stays one or two lines

STYLES = {
    "info": ("#e8f0fe", "#1f3b6e"),
    "progress": ("#eef1f5", "#2b2f36"),
    "error": ("#fde8e6", "#7a1c12"),
}
DARK_STYLES = {  # the same messages on a dark page: deep backgrounds, pale text
    "info": ("#223656", "#dce7ff"),
    "progress": ("#2a2d33", "#d8d6d0"),
    "error": ("#55211c", "#ffd8d2"),
}


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


class MessageBar(QFrame):
    """Shows one message at a time; a new message replaces the old one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.kind = ""
        self.styles = STYLES
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.label = plain_label(QLabel())  # errors quote servers and titles
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy indicator: loading has no known length
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        self.action_button = QPushButton()
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setFixedWidth(28)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._action: Callable[[], None] | None = None
        self._on_expired: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._on_action_clicked)
        self.close_button.clicked.connect(self.dismiss)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def set_dark(self, dark: bool) -> None:
        """Colours for a dark page; the message shown now is repainted."""
        self.styles = DARK_STYLES if dark else STYLES
        if self.kind:
            background, foreground = self.styles.get(self.kind, self.styles["info"])
            self._paint(background, foreground)

    def _paint(self, background: str, foreground: str) -> None:
        self.setStyleSheet(
            f"#messageBar {{ background: {background}; border: none;"
            " border-bottom: 1px solid rgba(0, 0, 0, 40); }"
            f"#messageBar QLabel {{ color: {foreground}; }}"
        )

    def overlay(self, host: QWidget) -> None:
        """Float over the top edge of `host` (the reading column) instead of taking a row of
        its layout, following its width."""
        self.setParent(host)
        host.installEventFilter(self)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and watched is self.parentWidget():
            self._place()
        return False  # the host handles its own events

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        width = host.width()
        layout = self.layout()
        height = self.sizeHint().height()
        if layout is not None and layout.hasHeightForWidth():
            height = max(height, layout.totalHeightForWidth(width))
        self.setGeometry(0, 0, width, height)
        self.raise_()

    def show_message(
        self,
        kind: str,
        text: str,
        action: tuple[str, Callable[[], None]] | None = None,
        timeout_ms: int = 0,
        on_expired: Callable[[], None] | None = None,
    ) -> None:
        self._expire_previous()
        self.kind = kind
        background, foreground = self.styles.get(kind, self.styles["info"])
        self._paint(background, foreground)
        self.label.setText(_short(shown(text)))
        self.progress.setVisible(kind == "progress")
        self._action = action[1] if action else None
        self.action_button.setVisible(action is not None)
        if action:
            self.action_button.setText(action_text(action[0]))
        self._on_expired = on_expired
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()
        self.show()
        self._place()  # the new text may wrap onto another line

    def show_progress(self, text: str, on_cancel: Callable[[], None]) -> None:
        self.show_message("progress", text, action=("Cancel", on_cancel))

    def show_error(self, text: str) -> None:
        self.show_message("error", text)

    def show_info(self, text: str, timeout_ms: int = 6000) -> None:
        self.show_message("info", text, timeout_ms=timeout_ms)

    def dismiss(self) -> None:
        self._timer.stop()
        self._expire_previous()
        self.kind = ""
        self.hide()

    def _expire_previous(self) -> None:
        expired, self._on_expired = self._on_expired, None
        if expired is not None:
            expired()

    def _on_action_clicked(self) -> None:
        action, self._action = self._action, None
        self._on_expired = None  # acting on the message replaces what expiry would have done
        self._timer.stop()
        self.kind = ""
        self.hide()
        if action is not None:
            action()
