"""The frame every window feature is added to: menus, toolbar, side panels and the message bar.

`WindowShell` implements the `Shell` protocol on a `QMainWindow`; `MainWindow` builds the reader
on top of it. Actions come from their table entries (`actions.ActionSpec`), so text, keys,
tooltip and place are declared once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QSizePolicy, QToolBar, QWidget

from reader.ui import actions
from reader.ui.actions import ActionSpec
from reader.ui.message_bar import MessageBar
from reader.ui.settings import UiSettings
from reader.ui.shell import INFO_TIMEOUT_MS, Notice


def configure(action: QAction, spec: ActionSpec, slot: Callable[..., object] | None) -> QAction:
    """Give `action` the keys, tooltip and checkability of `spec`; connect `slot` (a checkable
    action's slot gets the new state)."""
    keys = (QKeySequence(key) for key in spec.keys)
    action.setShortcuts([key for key in keys if not key.isEmpty()])  # a platform may have none
    if spec.tip:
        action.setToolTip(spec.tip)
    if spec.icon_text:
        action.setIconText(spec.icon_text)
    if spec.checkable:
        action.setCheckable(True)
        action.setChecked(spec.checked)
    if slot is not None and spec.checkable:
        action.triggered.connect(lambda checked: slot(checked))
    elif slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    return action


class _FirstPaint(QObject):
    """Calls back once, just after `widget` is first painted (or after `fallback_ms`)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            QTimer.singleShot(0, self, self._fire)  # after this paint, not during it
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


def after_first_paint(widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
    """Run `callback` once `widget` has been painted: slow background work (the entity model)
    then starts after the window is on screen instead of competing with its first paint."""
    _FirstPaint(widget, callback, fallback_ms)


class WindowShell(QMainWindow):
    """Menus in `actions.MENUS` order, a toolbar, docks and one message bar."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self._preferences = UiSettings(settings)
        self.message_bar = MessageBar()
        self.menus: dict[str, QMenu] = {}
        for name in actions.MENUS:
            self.menu(name)
        self._menu_tails: dict[str, QAction] = {}  # features' entries go before these
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)

    @property
    def preferences(self) -> UiSettings:
        return self._preferences

    @property
    def widget(self) -> QWidget:
        return self

    def menu(self, name: str) -> QMenu:
        if name not in self.menus:
            self.menus[name] = self.menuBar().addMenu(f"&{name}")
        return self.menus[name]

    def keep_last(self, menu: str, action: QAction) -> None:
        """Entries added to `menu` from now on go before `action` (File ▸ Quit stays last)."""
        self._menu_tails[menu] = action

    def add_action(
        self,
        spec: ActionSpec,
        slot: Callable[..., object] | None,
        action: QAction | None = None,
    ) -> QAction:
        """A new action (or `action`, made elsewhere) placed as its table entry says; the window
        keeps it as `<name>_action`."""
        action = configure(action or QAction(spec.text, self), spec, slot)
        self.addAction(action)  # its keys work wherever the focus is
        if spec.menu is not None:
            menu, tail = self.menu(spec.menu), self._menu_tails.get(spec.menu)
            if spec.separator_before:
                menu.insertSeparator(tail) if tail is not None else menu.addSeparator()
            menu.insertAction(tail, action) if tail is not None else menu.addAction(action)
        if spec.toolbar:
            self.toolbar.addAction(action)
        setattr(self, f"{spec.name}_action", action)
        return action

    def build_toolbar(self, names: Iterable[str], widgets: Mapping[str, QWidget]) -> None:
        """Fill the toolbar: "|" a separator, "~" the stretch, a key of `widgets` that widget,
        any other name the window's `<name>_action`."""
        for name in names:
            if name == "|":
                self.toolbar.addSeparator()
            elif name == "~":
                spacer = QWidget()
                spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                self.toolbar.addWidget(spacer)
            elif name in widgets:
                self.toolbar.addWidget(widgets[name])
            else:
                self.toolbar.addAction(getattr(self, f"{name}_action"))

    def add_panel(
        self,
        widget: QWidget,
        title: str,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """Add a side panel (as a dock) with a View menu entry that shows and hides it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel-{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menu("View").addAction(dock.toggleViewAction())
        return dock

    # -- messages ---------------------------------------------------------------------------

    def notify_info(
        self, text: str, timeout_ms: int = INFO_TIMEOUT_MS, action: Notice | None = None
    ) -> None:
        self.message_bar.show_message("info", text, action=action, timeout_ms=timeout_ms)

    def notify_error(self, text: str) -> None:
        self.message_bar.show_error(text)

    def notify_undo(self, text: str, undo: Callable[[], None], timeout_ms: int = 0) -> None:
        self.message_bar.show_message("info", text, action=("Undo", undo), timeout_ms=timeout_ms)

    def dismiss_notice(self, starting_with: str) -> None:
        bar = self.message_bar
        if bar.kind == "info" and bar.label.text().startswith(starting_with):
            bar.dismiss()
