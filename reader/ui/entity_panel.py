"""The entity side panel: a legend with a toggle per type, then the article's entities by type.

Clicking an entity steps through its mentions in the article; "Show in library" filters the
library list to the articles that mention it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.models import Entity, Mention
from reader.ui.rich_text import plain_label
from reader.ui.theme import DEFAULT_HIDDEN_GROUPS, GROUP_NAMES, THEMES, Theme, group_of

EntityKeyRole = Qt.ItemDataRole.UserRole + 1
GroupRole = Qt.ItemDataRole.UserRole + 2


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class EntityPanel(QWidget):
    group_toggled = Signal(str, bool)
    mention_requested = Signal(object)  # Mention
    library_filter_requested = Signal(str, str)  # label, name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme: Theme = THEMES["light"]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel("Entities")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        legend = QGridLayout()
        legend.setHorizontalSpacing(6)
        legend.setVerticalSpacing(2)
        self.toggles: dict[str, QCheckBox] = {}
        self._chosen: dict[str, bool] | None = None  # the ticks kept while the marks are off
        for index, (group, name) in enumerate(GROUP_NAMES.items()):
            box = QCheckBox(name.replace("&", "&&"))
            box.setChecked(group not in DEFAULT_HIDDEN_GROUPS)
            box.toggled.connect(lambda on, g=group: self.group_toggled.emit(g, on))
            legend.addWidget(box, index // 2, index % 2)
            self.toggles[group] = box
        layout.addLayout(legend)
        self.status = plain_label(QLabel())
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.currentItemChanged.connect(lambda *_: self._update_button())
        layout.addWidget(self.tree, 1)
        self.library_button = QPushButton("Show in library")
        self.library_button.setToolTip("List the articles that mention this entity")
        self.library_button.clicked.connect(self.show_current_in_library)
        layout.addWidget(self.library_button)
        self.mentions: list[Mention] = []
        self.entities: dict[str, Entity] = {}
        self._by_key: dict[str, list[Mention]] = {}
        self._step: dict[str, int] = {}
        self.set_theme(self.theme)
        self.set_entities([], [])

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for group, box in self.toggles.items():
            box.setIcon(swatch(theme.entity[group]))
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            group = item.data(0, GroupRole)
            if group:
                item.setIcon(0, swatch(theme.entity[group]))

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_entities(self, mentions: Iterable[Mention], entities: Iterable[Entity]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.entities = {e.key: e for e in entities}
        self._by_key = defaultdict(list)
        for mention in self.mentions:
            self._by_key[mention.entity_key].append(mention)
        self._step = {}
        self.tree.clear()
        groups: dict[str, list[str]] = defaultdict(list)
        for key, found in self._by_key.items():
            groups[group_of(found[0].label)].append(key)
        for group, name in GROUP_NAMES.items():
            keys = groups.get(group)
            if not keys:
                continue
            keys.sort(key=lambda k: (-len(self._by_key[k]), self._name(k).lower()))
            parent = QTreeWidgetItem([f"{name}  ({len(keys)})"])
            parent.setIcon(0, swatch(self.theme.entity[group]))
            parent.setData(0, GroupRole, group)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for key in keys:
                child = QTreeWidgetItem([f"{self._name(key)}  ×{len(self._by_key[key])}"])
                child.setData(0, EntityKeyRole, key)
                child.setToolTip(0, "Click to step through its mentions")
                parent.addChild(child)
            self.tree.addTopLevelItem(parent)
            parent.setExpanded(group not in DEFAULT_HIDDEN_GROUPS)
        self.library_button.setVisible(bool(self.mentions))
        self._update_button()

    def _name(self, key: str) -> str:
        entity = self.entities.get(key)
        if entity is not None:
            return entity.name
        mentions = self._by_key.get(key)
        return mentions[0].entity_key.split(":", 1)[-1].title() if mentions else key

    def set_group_checked(self, group: str, checked: bool) -> None:
        self.toggles[group].setChecked(checked)

    def set_marks_shown(self, shown: bool) -> None:
        """Follow the Entities switch (Ctrl+E): while the marks are off the legend shows every
        group unticked and cannot be changed; when they come back, so do the reader's choices."""
        if not shown and self._chosen is None:
            self._chosen = {group: box.isChecked() for group, box in self.toggles.items()}
        for group, box in self.toggles.items():
            box.blockSignals(True)  # the choices themselves do not change
            if shown and self._chosen is not None:
                box.setChecked(self._chosen[group])
            elif not shown:
                box.setChecked(False)
            box.setEnabled(shown)
            box.blockSignals(False)
        if shown:
            self._chosen = None

    def current_key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, EntityKeyRole) if item is not None else None

    def select_key(self, key: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            for j in range(parent.childCount()):
                child = parent.child(j)
                if child.data(0, EntityKeyRole) == key:
                    self.tree.setCurrentItem(child)
                    return

    def step(self, key: str) -> Mention | None:
        """The next mention of entity `key`, cycling back to the first after the last."""
        found = self._by_key.get(key)
        if not found:
            return None
        index = self._step.get(key, -1) + 1
        if index >= len(found):
            index = 0
        self._step[key] = index
        return found[index]

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, EntityKeyRole)
        if key is None:
            item.setExpanded(not item.isExpanded())
            return
        mention = self.step(key)
        if mention is not None:
            self.mention_requested.emit(mention)

    def show_current_in_library(self) -> None:
        key = self.current_key()
        if key is None:
            return
        mentions = self._by_key.get(key, [])
        label = mentions[0].label if mentions else key.split(":", 1)[0].upper()
        self.library_filter_requested.emit(label, self._name(key))

    def _update_button(self) -> None:
        self.library_button.setEnabled(self.current_key() is not None)
