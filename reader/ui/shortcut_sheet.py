"""The Keyboard Shortcuts sheet (F1): every action with keys, in one small table."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


class ShortcutSheet(QDialog):
    """Every action with a keyboard shortcut, in one small table."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = [
            (action.text().replace("&", "").rstrip("…"),
             ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                       for s in action.shortcuts()))
            for action in actions
            if action.shortcuts()
        ]  # fmt: skip
        rows.append(("Previous / next article in the list", "↑ / ↓"))
        rows.append(("Find next / previous match", "Enter / Shift+Enter"))
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.table = table
        self.resize(460, 520)
