"""The typography panel: font, size, line height, column width and theme, applied as you change."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from reader.ui.theme import THEME_CHOICES, Typography

GENERIC_FAMILIES = {"serif": "Serif", "sans": "Sans serif", "mono": "Monospace"}


class TypographyPanel(QWidget):
    changed = Signal(object)  # Typography

    def __init__(self, typography: Typography, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.typography = typography
        form = QFormLayout(self)
        self.family = QComboBox()
        for key, name in GENERIC_FAMILIES.items():
            self.family.addItem(name, key)
        self.family.insertSeparator(self.family.count())
        for name in QFontDatabase.families():
            if not QFontDatabase.isPrivateFamily(name):
                self.family.addItem(name, name)
        self.size = QDoubleSpinBox()
        self.size.setRange(9, 32)
        self.size.setSingleStep(1)
        self.size.setDecimals(0)
        self.size.setSuffix(" pt")
        self.line_height = QSpinBox()
        self.line_height.setRange(100, 250)
        self.line_height.setSingleStep(10)
        self.line_height.setSuffix(" %")
        self.column = QSpinBox()
        self.column.setRange(20, 80)
        self.column.setSingleStep(2)
        self.column.setSuffix(" em")
        themes = QHBoxLayout()
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[str, QPushButton] = {}
        for name in THEME_CHOICES:
            button = QPushButton(name.capitalize())
            button.setCheckable(True)
            self.theme_group.addButton(button)
            self.theme_buttons[name] = button
            themes.addWidget(button)
            button.clicked.connect(lambda _=False, n=name: self._set(theme=n))
        form.addRow("Font", self.family)
        form.addRow("Size", self.size)
        form.addRow("Line height", self.line_height)
        form.addRow("Column width", self.column)
        form.addRow("Theme", themes)
        self.show_typography(typography)
        self.family.currentIndexChanged.connect(
            lambda _i: self._set(font_family=str(self.family.currentData() or "serif"))
        )
        self.size.valueChanged.connect(lambda v: self._set(font_size_pt=float(v)))
        self.line_height.valueChanged.connect(lambda v: self._set(line_height_pct=int(v)))
        self.column.valueChanged.connect(lambda v: self._set(column_em=int(v)))

    def show_typography(self, typography: Typography) -> None:
        """Reflect `typography` in the controls without emitting `changed`."""
        self.typography = typography
        widgets = (self.family, self.size, self.line_height, self.column)
        for widget in widgets:
            widget.blockSignals(True)
        index = self.family.findData(typography.font_family)
        if index < 0:
            self.family.addItem(typography.font_family, typography.font_family)
            index = self.family.count() - 1
        self.family.setCurrentIndex(index)
        self.size.setValue(typography.font_size_pt)
        self.line_height.setValue(typography.line_height_pct)
        self.column.setValue(typography.column_em)
        for widget in widgets:
            widget.blockSignals(False)
        button = self.theme_buttons.get(typography.theme)
        if button is not None:
            button.setChecked(True)

    def _set(self, **changes: object) -> None:
        typography = replace(self.typography, **changes).clamped()  # type: ignore[arg-type]
        if typography != self.typography:
            self.typography = typography
            if "theme" in changes:
                self.theme_buttons[typography.theme].setChecked(True)
            self.changed.emit(typography)


def typography_menu(panel: TypographyPanel, parent: QWidget) -> tuple[QMenu, QToolButton]:
    """The View ▸ Typography menu holding `panel`, and the toolbar's Aa button that opens it."""
    menu = QMenu("Typography", parent)
    holder = QWidgetAction(menu)
    holder.setDefaultWidget(panel)
    menu.addAction(holder)
    button = QToolButton()
    button.setText("Aa")
    button.setToolTip("Typography and theme")
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    return menu, button
