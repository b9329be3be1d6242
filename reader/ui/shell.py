"""What a feature may ask of the window: a panel, an action in a menu, a message, the settings.

Features (highlights, import and export, ...) receive a `Shell`, never the window itself, so they
do not reach into each other's widgets and can be built in a test with a small fake shell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

    from reader.ui.actions import ActionSpec
    from reader.ui.settings import UiSettings

UNDO_TIMEOUT_MS = 8000  # how long an Undo stays offered
INFO_TIMEOUT_MS = 6000

Notice = tuple[str, Callable[[], None]]  # a button's text and what it does


class Shell(Protocol):
    """The main window as features see it."""

    @property
    def preferences(self) -> UiSettings: ...

    @property
    def widget(self) -> QWidget:
        """The parent for dialogs."""
        ...

    def menu(self, name: str) -> QMenu:
        """The menu called `name` ("File", "Article", "View", "Help"), made if missing."""
        ...

    def add_action(
        self,
        spec: ActionSpec,
        slot: Callable[..., object] | None,
        action: QAction | None = None,
    ) -> QAction:
        """An action from its table entry (or `action`, made elsewhere, given its keys): in its
        menu, on the toolbar if it asks, with its keys active anywhere in the window."""
        ...

    def add_panel(
        self,
        widget: QWidget,
        title: str,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """A side panel with a View menu entry that shows and hides it."""
        ...

    def notify_info(
        self, text: str, timeout_ms: int = INFO_TIMEOUT_MS, action: Notice | None = None
    ) -> None: ...

    def notify_error(self, text: str) -> None: ...

    def notify_undo(self, text: str, undo: Callable[[], None], timeout_ms: int = 0) -> None:
        """A message with an Undo button; 0 keeps it until the next message."""
        ...

    def dismiss_notice(self, starting_with: str) -> None:
        """Hide the message shown now if its text starts with `starting_with`."""
        ...
